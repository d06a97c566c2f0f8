#!/usr/bin/env bash
# The writer runs on Lambda's Node.js 24; this machine and CI run Node 20. Run the writer's tests on
# Node 24 too (test/handler, and test/schema for the scanner, dates and trade checks the writer
# runs, the functions' NODE_OPTIONS, the bench's event text and scripts/node24.sh itself), with
# the Node 24 that scripts/node24.sh gives (NODE24, or the npm registry's binary package under
# .cache/).
set -euo pipefail
cd "$(dirname "$0")/.."

node24=$(bash scripts/node24.sh)
echo "writer tests on $("$node24" --version)"
# test/function-node-options.test.ts: the functions' NODE_OPTIONS are accepted, and size the heap, on
# the runtime's Node too. test/tools/runtime-event-text.test.ts: the bench's event text stays on
# V8's heap there, as the Lambda runtime's does, where Buffer#toString would not.
"$node24" node_modules/jest/bin/jest.js test/handler test/schema test/function-node-options.test.ts test/tools/runtime-event-text.test.ts test/tools/node24-script.test.ts "$@"
