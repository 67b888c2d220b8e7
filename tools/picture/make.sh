#!/usr/bin/env bash
# usage: tools/picture/make.sh [OUTPUT.png]      (npm run picture; default docs/picture.png)
# The README's picture, made from a real session: a private tmux server with the plugin
# loaded, jobs of stand-in agents dispatched from its shell in each state (working,
# waiting for a permission, idle, queued, done, failed), the picker opened with its key
# by a client attached inside a second private tmux server (popups are drawn by the
# client), that client's screen captured with its colours, turned into an HTML page and
# photographed by headless Chromium. Everything lives in one temporary folder (HOME,
# tmux sockets, the project); the script ends only its own two servers, by socket, and
# the processes that name that folder, by pid. Exits 1 when the picture is not right.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/tools/picture
OUTPUT=$(realpath -m -- "${1:-$ROOT/docs/picture.png}")
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
# the client's terminal: the README shows the picture about this wide at 1:1
COLUMNS_=100
ROWS_=22
MAX_BYTES=$((200 * 1024))

fail() {
  echo "job-runner: picture: $*" >&2
  exit 1
}

# Each tool the picture needs, with the Debian package that has it
check_tools() {
  command -v tmux >/dev/null || fail "tmux not found: apt-get install tmux"
  command -v node >/dev/null || fail "node not found: install Node.js 18 or newer"
  command -v perl >/dev/null || fail "perl not found: apt-get install perl"
  [ -x "$CHROMIUM" ] || fail "$CHROMIUM not found: apt-get install chromium (or set CHROMIUM to a Chromium binary)"
  command -v fc-list >/dev/null || fail "fc-list not found: apt-get install fontconfig"
  [ -n "$(fc-list 'DejaVu Sans Mono' family)" ] || fail "font DejaVu Sans Mono not found: apt-get install fonts-dejavu-core"
  [ -d "$ROOT/node_modules/esbuild" ] || fail "esbuild not found in node_modules: run npm ci"
}

# Retries a command for at most WAIT (default 30) seconds; fails naming it.
wait_until() {
  local deadline=$((SECONDS + ${WAIT:-30}))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      echo "job-runner: picture: gave up waiting for: $*; the session's shell and the client's screen:" >&2
      inner capture-pane -p -t main:0 >&2 || true
      (cd "$PROJECT" && job-runner list) >&2 || true
      client_screen >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.2
  done
}

inner() { tmux -S "$INNER_SOCKET" "$@"; }
outer() { tmux -S "$OUTER_SOCKET" "$@"; }

# The folder, HOME, sockets and PATH of the session: nothing of the user's is reachable.
isolate() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/picture.XXXXXX")
  # the inner server on the default socket of the folder's TMUX_TMPDIR: the script's
  # own job-runner calls, from outside tmux, find it there
  INNER_SOCKET=$WORK/tmux/tmux-$(id -u)/default
  OUTER_SOCKET=$WORK/tmux/outer
  trap clean_up EXIT
  # an interrupted run cleans up too
  trap 'exit 130' INT TERM HUP
  unset TMUX TMUX_PANE XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME XDG_CACHE_HOME
  export HOME=$WORK/home TMUX_TMPDIR=$WORK/tmux
  # a client outside a UTF-8 locale draws the box and the status glyphs as ASCII stand-ins
  export LC_ALL=C.UTF-8
  PROJECT=$HOME/webshop
  mkdir -p "$HOME" "$PROJECT" "$WORK/bin"
  mkdir -p -m 700 "${INNER_SOCKET%/*}"
  ln -s "$ROOT/scripts/job-runner" "$WORK/bin/job-runner"
  ln -s "$HERE/agent.sh" "$WORK/bin/agent"
  ln -s "$HERE/claude" "$WORK/bin/claude"
  export PATH="$WORK/bin:$PATH"
  # the fake Claude Code's records, and no managed settings of this machine's
  export FAKE_CLAUDE_STATE=$WORK/fake-claude JOB_RUNNER_CLAUDE_MANAGED_DIR=$WORK/managed
  printf '%s\n' "PS1='\\w\$ '" 'unset PROMPT_COMMAND' >"$HOME/.bashrc"
}

# Ends the two servers by their sockets, waits for what they leave running for a moment
# (a job's wrapper recording its end), kills what still names the folder after 20 s by
# pid, and removes the folder.
clean_up() {
  local socket left='' deadline=$((SECONDS + 20))
  for socket in "$OUTER_SOCKET" "$INNER_SOCKET"; do
    [ ! -S "$socket" ] || tmux -S "$socket" kill-server 2>/dev/null || true
  done
  while left=$(perl "$ROOT/test/fixtures/leftovers.pl" "$WORK") && [ -n "$left" ] && ((SECONDS < deadline)); do
    sleep 0.2
  done
  [ -z "$left" ] || kill -9 $(cut -d' ' -f1 <<<"$left") 2>/dev/null || true
  rm -rf "$WORK"
}

# A README line that sets OPTION (its first, indented as a code block)
readme_snippet() {
  grep -m1 -E "^ +set -g $1 " "$ROOT/README.md" | sed 's/^ *//' | grep . ||
    fail "README.md has no indented 'set -g $1' line to take"
}

# The session: the README's status-line and window-list snippets, the plugin loaded as
# TPM does, bash in the project folder.
start_session() {
  local status_right window_status_format
  status_right=$(readme_snippet status-right)
  window_status_format=$(readme_snippet window-status-format)
  cat >"$WORK/tmux.conf" <<EOF
set -g default-shell $(command -v bash)
# not a login shell: /etc/profile would reset PATH
set -g default-command 'exec bash'
$status_right
$window_status_format
# a job without hooks falls idle after 10 s of silence instead of 30: a shorter run
set -g @job-runner-idle-after 10
# the bell would mark every job window in the window list
set -g @job-runner-notify-bell off
EOF
  (cd "$PROJECT" && inner -f "$WORK/tmux.conf" new-session -d -s main -x "$COLUMNS_" -y "$ROWS_")
  inner run-shell "$(printf '%q' "$ROOT/tmux-job-runner.tmux")"
  wait_until shell_prompt_shown
}

shell_prompt_shown() { inner capture-pane -p -t main:0 | grep -qx '~/webshop\$'; }

# Types a command into the session's shell and waits for its prompt again.
type_command() {
  local before
  before=$(inner capture-pane -p -t main:0 | grep -c '^~/webshop\$' || true)
  inner send-keys -t main:0 -l "$1"
  inner send-keys -t main:0 Enter
  wait_until prompts_more_than "$before"
}

prompts_more_than() { (($(inner capture-pane -p -t main:0 | grep -c '^~/webshop\$') > $1)); }

clear_shell() {
  inner send-keys -t main:0 -l clear
  inner send-keys -t main:0 Enter
  wait_until only_the_prompt_shown
}

only_the_prompt_shown() { [ "$(inner capture-pane -p -t main:0 | grep -v '^$')" = '~/webshop$' ]; }

dispatch_jobs() {
  type_command "job-runner dispatch lint 'Fix the lint warnings' --command agent"
  type_command "job-runner dispatch migrate 'Add the orders.cursor column' --command agent"
  type_command "job-runner dispatch api 'Cursor pagination for GET /orders'"
  type_command "job-runner dispatch tests 'Run the integration suite' --command agent"
  type_command "job-runner dispatch frontend 'Use the pager in OrdersTable' --command agent"
  type_command "job-runner dispatch docs 'Document the orders API' --command agent"
  # the picture shows the last command above the popup
  clear_shell
  type_command "job-runner dispatch release 'Tag v2.4' --after api --after tests --command agent"
}

listed() { grep -qE "$1" <<<"$(cd "$PROJECT" && job-runner list)"; }

# Each job in the state the picture shows (the idle one takes longest: 10 s of silence,
# then 5 s idle, so that no duration in the picture is 0s)
wait_for_states() {
  local row
  for row in '^lint +done ' '^migrate +failed ' '^api +waiting:permission ' '^tests +working ' \
    '^frontend +working ' '^release +queued ' '^docs +idle ([5-9]|[1-9][0-9])s '; do
    wait_until listed "$row"
  done
}

client_screen() { outer capture-pane -p -t picture; }
client_attached() { [ -n "$(inner list-clients -F '#{client_name}')" ]; }
picker_shows_all() {
  local screen
  screen=$(client_screen)
  for row in 'api +waiting permission' 'docs +idle' 'tests +working' 'frontend +working' \
    'release +queued' 'lint +done' 'migrate +failed 1'; do
    grep -qE "│[> ] $row " <<<"$screen" || return 1
  done
}

# A client of the session in a pane of the outer server (no status line of its own:
# the pane is the client's whole terminal), the picker opened with its key.
open_picker() {
  printf '%s\n' 'set -g status off' 'set -g default-terminal tmux-256color' >"$WORK/outer.conf"
  outer -f "$WORK/outer.conf" new-session -d -s picture -x "$COLUMNS_" -y "$ROWS_" \
    "env -u TMUX tmux -S $(printf '%q' "$INNER_SOCKET") attach -t main"
  wait_until client_attached
  outer send-keys -t picture C-b L
  wait_until picker_shows_all
}

# The captured screen must show the popup, every state, the counts and the marks.
check_capture() {
  local plain
  plain=$(sed 's/\x1b\[[0-9;:]*m//g' "$WORK/screen.ans")
  grep -qF '╭─ jobs ─' <<<"$plain" || fail "the picker's popup is not on the captured screen"
  grep -qF '⚙2 ?1 ○1 ✗1' <<<"$plain" || fail "the status line's counts (⚙2 ?1 ○1 ✗1) are not on the captured screen"
  grep -qF '3:api ?' <<<"$plain" || fail "the window list's waiting mark (3:api ?) is not on the captured screen"
  grep -qF '6:docs ○' <<<"$plain" || fail "the window list's idle mark (6:docs ○) is not on the captured screen"
}

# Width and height of a PNG from its IHDR chunk
png_size() {
  od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%d,%d\n", (($1*256+$2)*256+$3)*256+$4, (($5*256+$6)*256+$7)*256+$8 }'
}

photograph() {
  local size bytes
  size=$(node "$HERE/page.mjs" "$WORK/screen.ans" "$WORK/screen.html" "$COLUMNS_" "$ROWS_")
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$WORK/chromium" --hide-scrollbars --force-device-scale-factor=1 \
    --window-size="$size" --screenshot="$WORK/picture.png" "file://$WORK/screen.html" \
    >"$WORK/chromium.log" 2>&1 || { tail -5 "$WORK/chromium.log" >&2; fail "chromium could not take the screenshot"; }
  [ -s "$WORK/picture.png" ] || fail "chromium wrote no picture"
  [ "$(head -c 8 "$WORK/picture.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "chromium's picture is not a PNG"
  [ "$(png_size "$WORK/picture.png")" = "$size" ] || fail "the picture is $(png_size "$WORK/picture.png"), not the page's $size"
  bytes=$(stat -c %s "$WORK/picture.png")
  ((bytes <= MAX_BYTES)) || fail "the picture has $bytes bytes, over the $MAX_BYTES allowed"
  mkdir -p "$(dirname "$OUTPUT")"
  cp "$WORK/picture.png" "$OUTPUT"
  echo "$OUTPUT: ${size/,/x} pixels, $bytes bytes"
}

main() {
  check_tools
  isolate
  start_session
  dispatch_jobs
  wait_for_states
  open_picker
  outer capture-pane -e -p -t picture >"$WORK/screen.ans"
  check_capture
  photograph
}

main
