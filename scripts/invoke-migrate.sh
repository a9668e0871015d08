#!/usr/bin/env bash
# Invokes a stage's `migrate` function (CI, .github/workflows/deploy-stage.yml) and fails, with
# its answer, when the function did.
set -euo pipefail
function_name=$1
aws lambda invoke --function-name "$function_name" --cli-read-timeout 330 \
  --cli-binary-format raw-in-base64-out --payload '{}' migrate-result.json > invoke.json
cat migrate-result.json; echo
if jq -e 'has("FunctionError")' invoke.json > /dev/null; then
  echo "::error::migrate failed: $(cat migrate-result.json)"
  exit 1
fi
