#!/usr/bin/env bash
# The GitHub Action's check (action.yml): validate the MCP config files as
# annotations, SARIF or text; with INPUT_LIST, print `mcpdoctor list` of
# each, which only reads them unless INPUT_TRUST_PROJECT is true. Nothing
# here starts a server's command or contacts its URL unless
# trust-project is true: a pull request from a fork writes these files.
#
# Written for the bash 3.2 of macOS runners too: no ${x,,}, no mapfile,
# and empty arrays expanded with ${a[@]+"${a[@]}"} under set -u.
set -uo pipefail

# The project configs of every client mcpdoctor reads, as
# internal/config's Places names them (project and workspace scope);
# cmd/mcpdoctor/dist_test.go keeps this list in step with them.
project_files=(
  .mcp.json
  .cursor/mcp.json
  .vscode/mcp.json
  .gemini/settings.json
  .codex/config.toml
  opencode.jsonc
  opencode.json
  .opencode/opencode.jsonc
  .opencode/opencode.json
  .github/mcp.json
  .zed/settings.json
)
project_globs=(.continue/mcpServers/*.yaml .continue/mcpServers/*.yml .continue/mcpServers/*.json)

# annotate LEVEL MESSAGE: a workflow command, its data escaped.
annotate() {
  local msg=${2//%/%25}
  msg=${msg//$'\r'/%0D}
  msg=${msg//$'\n'/%0A}
  echo "::$1 title=mcpdoctor::$msg"
}

# truth NAME VALUE: an input that says true or false.
truth() {
  case "$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')" in
    true) return 0 ;;
    false | "") return 1 ;;
  esac
  annotate error "the input $1 must be true or false, not '$2'"
  exit 2
}

# worst STATUS: keep the worst exit status seen.
worst() {
  if [ "$1" -gt "$code" ]; then code=$1; fi
}

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; fi
}

files=()
files_input=${INPUT_FILES:-}
if [ -n "${files_input//[[:space:]]/}" ]; then
  read -r -d "" -a files <<<"$files_input" || true
else
  for f in "${project_files[@]}"; do
    if [ -f "$f" ]; then files+=("$f"); fi
  done
  for f in "${project_globs[@]}"; do
    if [ -f "$f" ]; then files+=("$f"); fi # an unmatched glob stays as written
  done
fi
if [ ${#files[@]} -eq 0 ]; then
  annotate notice "no MCP config file found in $(pwd); name them with the files input"
  output exit-code 0
  exit 0
fi

flags=()
if truth static "${INPUT_STATIC:-true}"; then flags+=(--static); fi

code=0
case "${INPUT_FORMAT:-github}" in
  github | text)
    mcpdoctor validate ${flags[@]+"${flags[@]}"} --format "${INPUT_FORMAT:-github}" -- "${files[@]}" || code=$?
    ;;
  sarif)
    sarif=${INPUT_SARIF_FILE:-mcpdoctor.sarif}
    mcpdoctor validate ${flags[@]+"${flags[@]}"} --format sarif -- "${files[@]}" >"$sarif" || code=$?
    output sarif-file "$sarif"
    # The same problems, for whoever reads the log.
    mcpdoctor validate ${flags[@]+"${flags[@]}"} -- "${files[@]}" || true
    ;;
  *)
    annotate error "the input format must be github, sarif or text, not '${INPUT_FORMAT}'"
    exit 2
    ;;
esac

trust=false
if truth trust-project "${INPUT_TRUST_PROJECT:-false}"; then trust=true; fi
if truth list "${INPUT_LIST:-false}"; then
  for f in "${files[@]}"; do
    echo "== mcpdoctor list --config $f"
    if [ "$trust" = true ]; then
      # Opted in: the servers of the file are started and contacted.
      mcpdoctor list --trust-project --config "$f" || worst $?
    else
      mcpdoctor list --no-probe --config "$f" || worst $?
    fi
  done
elif [ "$trust" = true ]; then
  annotate warning "trust-project has no effect without list: validate never starts or contacts a server"
fi

output exit-code "$code"
if truth fail-on-error "${INPUT_FAIL_ON_ERROR:-true}"; then exit "$code"; fi
exit 0
