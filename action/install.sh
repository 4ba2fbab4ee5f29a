#!/usr/bin/env bash
# Installs mcpdoctor for the GitHub Action (action.yml) and puts it on
# PATH: built from the action's own checkout (the same ref as the action,
# stamped with it), or `go install …@$INPUT_VERSION`.
set -euo pipefail

bin="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/mcpdoctor-bin"
mkdir -p "$bin"
exe="$bin/mcpdoctor$(go env GOEXE)"
if [ -z "${INPUT_VERSION:-}" ]; then
  # The action's files are a checkout of the repository at the action's
  # ref, without .git: stamp the ref as the version `mcpdoctor version`
  # shows (cmd/mcpdoctor/version.go).
  (cd "$GITHUB_ACTION_PATH" && go build \
    -ldflags "-X main.buildVersion=${ACTION_REF:-action}" \
    -o "$exe" ./cmd/mcpdoctor)
else
  GOBIN="$bin" go install "github.com/mcpdoctor/mcpdoctor/cmd/mcpdoctor@$INPUT_VERSION"
fi
echo "$bin" >> "$GITHUB_PATH"
"$exe" version
