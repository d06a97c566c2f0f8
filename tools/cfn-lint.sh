#!/usr/bin/env bash
# cfn-lint, AWS's CloudFormation linter, over the templates that `cdk synth` wrote (docs/design.md §15).
# Usage: tools/cfn-lint.sh <cdk.out directory>...
# Fails on any error or warning: a warning is fixed in lib/, or ignored in .cfnlintrc with its reason.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "cfn-lint: SKIPPED: not installed on this machine (pip install cfn-lint); the templates were NOT linted"
  exit 0
fi

templates=()
for dir in "$@"; do
  for template in "$dir"/*.template.json; do
    if [[ -e $template ]]; then templates+=("$template"); fi
  done
done
if ((${#templates[@]} == 0)); then
  echo "cfn-lint: no *.template.json in: $* (run cdk synth first)" >&2
  exit 1
fi

echo "$(cfn-lint --version) over ${templates[*]}"
cfn-lint --config-file .cfnlintrc --non-zero-exit-code warning -- "${templates[@]}"
echo "cfn-lint: no errors, no warnings in ${#templates[@]} templates"
