#!/usr/bin/env bash
# Runs one job inside its tmux pane (started by job-runner dispatch, never by hand):
# log capture from the first byte, the agent on the pane's own terminal, the exit
# status recorded, then a shell in the job's directory as the hand-made `exec bash` gave.
# usage: run-job.sh JOB_ID WORKSPACE_BASE64URL WORKSPACE NODE
# (the encoded workspace is for job-runner, which reads it back from #{pane_start_command};
# the contract's one home is src/core/wrapper-args.ts, which builds and parses it)
set -u
id=$1 ws=$3 node=${4:-node}
here=${BASH_SOURCE[0]%/*}
run=$ws/.run

# Quotes a word for /bin/sh (which runs tmux's commands) into variable NAME, without a subshell.
quote_into() { printf -v "$1" "'%s'" "${2//\'/\'\\\'\'}"; }

# Starts the log capture and publishes the job as running and working, with the status
# line's recount, in one tmux call (scripts/recount.conf counts in the server: no
# process). The filter is told the pane, the workspace, the silence that makes the job
# idle and how to say so (scripts/activity.sh).
start_log_capture() {
  local filter="exec cat" command q_filter q_ended q_exit q_log q_pane q_ws q_idle q_activity idle_after=30 now
  now=${EPOCHSECONDS:-$(date +%s)}
  [ -r "$run/idle-after" ] && read -r idle_after <"$run/idle-after"
  # private like the rest of the workspace; activity.sh rewrites it in place, keeping its mode
  (umask 077 && printf 'working %s \n' "$now" >"$run/activity")
  # perl is on every Debian/Ubuntu/macOS system; without it the log keeps raw escape
  # sequences, a pipe-pane that takes the pane over goes unnoticed, and nothing tells
  # a silent job from a working one
  quote_into q_filter "$here/log-filter.pl"
  quote_into q_ended "$run/capture-ended"
  quote_into q_exit "$run/exit"
  quote_into q_pane "$TMUX_PANE"
  quote_into q_ws "$ws"
  quote_into q_idle "$idle_after"
  quote_into q_activity "$here/activity.sh"
  command -v perl >/dev/null 2>&1 && filter="exec perl $q_filter $q_ended $q_exit $q_pane $q_ws $q_idle $q_activity"
  quote_into q_log "$ws/log.txt"
  command="$filter >> $q_log"
  set_recount_file
  # tmux expands the pipe's command as a format and through strftime: a "#" or a "%"
  # (in a path, and in the pane id: strftime made " %4" of %4) must reach sh as it is
  command=${command//#/##}
  command=${command//%/%%}
  tmux set-option -w -t "$TMUX_PANE" @job-runner-state running \; set-option -w -t "$TMUX_PANE" @job-runner-activity working \; \
    set-option -w -t "$TMUX_PANE" @job-runner-is-working 1 \; \
    set-option -w -t "$TMUX_PANE" @job-runner-activity-since "$now" \; \
    pipe-pane -t "$TMUX_PANE" "$command" \; source-file "$recount_file" && return
  # which one failed: the log capture is what the user must hear about
  [ "$(tmux display-message -p -t "$TMUX_PANE" '#{pane_pipe}')" = 1 ] ||
    echo "job-runner: could not start log capture; the output of this job is not saved in log.txt" >&2
  tmux source-file "$recount_file"
}

# The status line's recount, as source-file takes its path (it expands glob patterns).
set_recount_file() {
  recount_file="$here/recount.conf"
  [[ $recount_file == *[][*?\\]* ]] && recount_file=$(sed 's/[][*?\\]/\\&/g' <<<"$recount_file")
}

# How the agent ended, for the status line and the notifications (as state.ts decides it).
end_state() {
  if [ -e "$run/kill" ]; then echo killed; elif [ "$1" = 0 ]; then echo done; else echo failed; fi
}

# The dispatcher's environment (NUL-separated), read once and deleted: it may hold secrets.
load_environment() {
  env_args=()
  [ -f "$run/env" ] || return 0
  local entry
  while IFS= read -r -d '' entry; do env_args+=("$entry"); done <"$run/env"
  rm -f "$run/env"
}

# The command prefix that gives a process the dispatcher's environment plus what tmux
# set for this pane (without a saved environment: the pane's own).
set_job_environment() {
  job_env=(env)
  [ ${#env_args[@]} -gt 0 ] && job_env=(env -i "${env_args[@]}")
  job_env+=(TMUX="${TMUX-}" TMUX_PANE="${TMUX_PANE-}" TERM="${TERM:-screen}"
    JOB_RUNNER_NAME="${ws##*/}" JOB_RUNNER_JOB_DIR="$ws")
}

# Put before the agent's command line: bash calls it when the program is not in PATH,
# and its own "command not found" says neither where it looked nor what to do.
not_found_handler='command_not_found_handle() { printf "job-runner: cannot start the agent: %s not found in PATH=%s; set -g @job-runner-command /abs/path/%s, or export PATH before tmux starts\n" "$1" "$PATH" "$1" >&2; return 127; }'

main() {
  start_log_capture
  load_environment
  set_job_environment
  local command prompt
  command=$(<"$run/command")
  # read -d '' keeps every byte of the prompt, trailing newlines included
  IFS= read -r -d '' prompt <"$run/prompt"
  # job-runner kill signals this whole process group, and Ctrl-C in the window reaches
  # it too: outlive them to record how the agent ended. The traps stay until the shell
  # is exec'd: a kill that lands as the agent ends by itself may stop _finish, never
  # the wrapper, which then records the end itself and keeps the window
  trap ':' TERM INT QUIT
  "${job_env[@]}" "$BASH" -c "$not_found_handler; $command \"\$1\"" job-runner "$prompt"
  local code=$?
  local now=${EPOCHREALTIME:-$(date +%s)}
  # EPOCHREALTIME uses the locale's decimal mark
  now=${now/,/.}
  # a snapshot of the alternate screen may still be settling (activity.sh): it goes into
  # the log before the end does
  local settling=0
  while [ -d "$run/snapshot" ] && ((settling++ < 40)); do sleep 0.1; done
  # node prints the summary, waits until the log holds it, then records the end: a job
  # reported ended has its whole log (node started lean, as the shims start it: see
  # node-env.sh)
  if ! env -u NODE_EXTRA_CA_CERTS "$node" "$here/../dist/cli.cjs" _finish "$ws" "$id" "$code" "$now"; then
    printf '\njob %s: exit %s\n' "${ws##*/}" "$code"
    record_end_without_node "$code" "$now"
  fi
  # tmux keeps one pipe per pane, and pipe-pane without a command closes whichever is
  # there: once our filter has seen its input end, the pipe there is not ours to close
  [ -e "$run/capture-ended" ] || tmux pipe-pane -t "$TMUX_PANE"
  sh "$here/activity.sh" "$TMUX_PANE" "$ws" ended "$(end_state "$code")"
  discard_typed_input
  exec_shell
}

# Keys sent to the agent (job-runner send) that it did not read before it ended would
# reach the shell below as a command line: they are dropped. send refuses a job from the
# moment activity.sh has marked it ended, so nothing can be typed in between.
discard_typed_input() {
  [ -t 0 ] && command -v perl >/dev/null 2>&1 && perl -MPOSIX -e 'POSIX::tcflush(0, POSIX::TCIFLUSH())' 2>/dev/null
  return 0
}

# The exit record, when _finish could not write it (no node, or a disk that took nothing);
# where the workspace takes no file either, on the pane (no disk needed), unless _finish
# has put it there already with its reason: readers take it from there.
record_end_without_node() {
  local failure
  # private like the rest of the workspace; the agent keeps the user's umask
  failure=$({ (umask 077 && printf '%s %s %s\n' "$id" "$1" "$2" >"$run/exit.tmp") && mv -f "$run/exit.tmp" "$run/exit"; } 2>&1) && return
  # bash's and mv's messages end with the reason ("...: No space left on device");
  # the option is PANE_EXIT_OPTION of src/core/server-query.ts
  tmux set-option -p -o -t "$TMUX_PANE" @job-runner-exit "$id $1 $2 ${failure##*: }" 2>/dev/null
}

# Leaves a shell in the job's directory, with the job's environment.
exec_shell() {
  local shell=${SHELL:-} entry
  for entry in ${env_args[@]+"${env_args[@]}"}; do [[ $entry == SHELL=* ]] && shell=${entry#SHELL=}; done
  [ -x "$shell" ] || shell=$BASH
  exec "${job_env[@]}" "$shell"
}

main
