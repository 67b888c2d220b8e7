# Sourced by the shims (bash). The tmux server's state is the first thing every command
# asks for; started here, alongside node, its answer waits on fd 3 when node is ready,
# and the round trip overlaps node's start instead of following it. A dispatch's next
# tmux call (the one that opens the window) goes through a helper started here too
# (start_tmux_helper): node then loads no child_process and forks no process of its size.
# shellcheck source=/dev/null
. "${BASH_SOURCE[0]%/*}/../dist/server-query.sh"

# Prints what tmux answers to the server query, then tmux's exit status on a line
# (without the formats, a failure: node then asks tmux itself).
server_query() {
  [ -n "${JOB_RUNNER_PANE_FORMAT-}" ] || { echo 1; return; }
  # -u: see runTmux (src/core/tmux.ts)
  tmux -u display-message -p "$JOB_RUNNER_OPTIONS_FORMAT" \; list-panes -a -F "$JOB_RUNNER_PANE_FORMAT" 2>&1
  echo "$?"
}

# Starts the query on fd 3 and tells the node that the caller execs next to read it.
# Opened by an exec of its own: a redirection on node's exec line would leave node a
# second descriptor of the pipe (bash's /dev/fd/63), inherited by all that node starts.
start_prefetch() {
  exec 3< <(server_query)
  export JOB_RUNNER_PREFETCH=1
}

# Runs one tmux command line that node sends on stdin ("COUNT\0ARG\0..."), answers
# "STDOUT\0STDERR\0STATUS\0" on stdout, and exits; at end of input (node needed no such
# call, or ended) it exits at once. The signals a Ctrl-C or a kill send the process group
# are node's to hold (a dispatch finishes or rolls back): ignored here, and so by tmux.
serve_tmux_call() {
  trap '' INT TERM HUP QUIT
  local count arg args=() err status
  IFS= read -r -d '' count || return 0
  while ((count-- > 0)); do
    IFS= read -r -d '' arg || return 0
    args+=("$arg")
  done
  # tmux's output goes straight through (no NUL in it), its errors are kept apart
  exec 6>&1
  err=$(tmux "${args[@]}" 2>&1 >&6)
  status=$?
  printf '\0%s\0%s\0' "$err" "$status"
}

# Starts serve_tmux_call as a coprocess, its input on fd 4 and its answer on fd 5 of the
# node that the caller execs next. coproc arrived in bash 4 (macOS's own bash is 3.2):
# without it, node runs tmux itself. eval: bash 3.2 could not even parse the coproc.
start_tmux_helper() {
  ((BASH_VERSINFO[0] >= 4)) || return 0
  eval 'coproc JOB_RUNNER_TMUX { serve_tmux_call 2>/dev/null; }'
  # opened through /dev/fd: a dup of a coproc's descriptor would keep its close-on-exec
  exec 4>"/dev/fd/${JOB_RUNNER_TMUX[1]}" 5<"/dev/fd/${JOB_RUNNER_TMUX[0]}"
  export JOB_RUNNER_TMUX_HELPER=1
}
