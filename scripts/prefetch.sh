# Sourced by the shims (bash). The tmux server's state is the first thing every command
# asks for; started here, alongside node, its answer waits on fd 3 when node is ready,
# and the round trip overlaps node's start instead of following it.
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
