#!/usr/bin/env bash
# npm test: the type check and the fast jest project side by side. tsc is single-threaded and took
# a third of the suite's minute when it ran first; on two cores it now runs beside jest's workers.
# Arguments go to jest (`npm test -- test/handler`).
set -uo pipefail
tsc --noEmit &
typecheck=$!
jest --selectProjects fast "$@"
tests=$?
wait "$typecheck"
types=$?
if [ "$types" -ne 0 ]; then echo "npm test: the type check failed (tsc --noEmit)" >&2; fi
if [ "$tests" -ne 0 ] || [ "$types" -ne 0 ]; then exit 1; fi
