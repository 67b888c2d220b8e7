#!/bin/sh
# Publishes a running job's activity to tmux and notifies the user; run by the job's
# Claude Code hooks, its log filter and its wrapper (never by hand). POSIX sh: it runs on
# every hook call, and dash starts several times faster than bash.
# usage: activity.sh PANE WORKSPACE EVENT [DETAIL [REASON]]
#   working | idle             from hooks: the activity, if it is not that already
#   waiting FOR [REASON]       from hooks: FOR is permission, question, plan or error
#   silence                    from the filter, idle-after seconds without output: a working
#                              job becomes idle, or waiting input if the screen's last lines
#                              match WORKSPACE/.run/waiting-pattern
#   output                     from the filter, the first output after a silence: a job
#                              without hooks that is idle or waiting input works again
#   ended STATE                from the wrapper once the end is recorded (done, failed, killed)
#   session ID                 from hooks: the Claude session id now
# Prints nothing and exits 0: a hook's output may reach the agent's conversation, and a
# failed hook must not fail its turn.
exec >/dev/null 2>&1
pane=$1 ws=$2 event=$3 detail=${4-} reason=${5-}
run=$ws/.run
here=${0%/*}
[ "$here" = "$0" ] && here=.

# Defaults of the notify options (src/core/options.ts is the source; a unit test keeps
# these equal).
default_notify="waiting idle done failed"
default_notify_bell="on"
default_notify_message="on"

# The activity written last (one line: ACTIVITY SINCE [WAITING_FOR]); "ended" once over.
current=none current_for=
[ -r "$run/activity" ] && read -r current _since current_for <"$run/activity"

case $event in
  working | idle)
    [ "$current" = "$event" ] && exit 0
    new=$event new_for=
    ;;
  waiting)
    new=waiting new_for=${detail:-input}
    case $new_for in permission | question | plan | error | input) ;; *) new_for=input ;; esac
    [ "$current" = waiting ] && [ "$current_for" = "$new_for" ] && exit 0
    ;;
  silence)
    [ "$current" = working ] || exit 0
    new=idle new_for=
    pattern=
    [ -r "$run/waiting-pattern" ] && IFS= read -r pattern <"$run/waiting-pattern"
    if [ -n "$pattern" ] && tmux capture-pane -p -t "$pane" | grep -v '^[[:space:]]*$' | tail -n 5 | grep -Eq -e "$pattern"; then
      new=waiting new_for=input
    fi
    ;;
  output)
    # hooks know better when the agent works; output alone (a redraw, a clock) says little
    [ -e "$run/hooks" ] && exit 0
    case "$current $current_for" in
      "idle " | "waiting input") ;;
      *) exit 0 ;;
    esac
    new=working new_for=
    ;;
  ended)
    [ "$current" = ended ] && exit 0
    new=ended new_for=
    ;;
  session)
    [ -n "$detail" ] && printf '%s\n' "$detail" >"$ws/session-id"
    exit 0
    ;;
  *) exit 0 ;;
esac
# a hook or the filter that comes after the end changes nothing
[ "$current" = ended ] && exit 0

now=$(date +%s)
printf '%s %s %s\n' "$new" "$now" "$new_for" >"$run/activity"

# tmux reads the last character of an argument ";" as the end of a command
literal() {
  case $1 in
    *';') printf '%s\\;' "${1%;}" ;;
    *) printf '%s' "$1" ;;
  esac
}

# source-file expands glob patterns in its path: the plugin's folder may hold [ * ? \
recount=$here/recount.conf
case $recount in
  *[][*?\\]*) recount=$(printf '%s\n' "$recount" | sed 's/[][*?\\]/\\&/g') ;;
esac

# What notifications need, in the same tmux call, one line each: the job's window and
# screen, the notify options (raw: empty means the default), where to go and how; then
# every client with the window it shows.
nl='
'
info="#{window_id}$nl#{alternate_on}$nl#{pane_tty}$nl#{?@job-runner-notify-command,1,}$nl#{@job-runner-notify}$nl#{@job-runner-notify-bell}$nl#{@job-runner-notify-message}$nl#{session_name}:#{window_index}$nl"
# the key that goes there: the next-job key if bound, else the picker's
info="$info#{?#{&&:#{@job-runner-next-key},#{!=:#{@job-runner-next-key},none}},#{prefix} #{@job-runner-next-key}: go there,#{?#{!=:#{@job-runner-picker-key},none},#{prefix} #{?@job-runner-picker-key,#{@job-runner-picker-key},L}: job picker,}}"
marker="(end of clients $$)"

# One tmux call: the options, the recount, then what notifications need. It starts by
# setting a flag for the new activity that must not be set yet (set-option -o fails, and
# tmux skips the rest of the call): of two calls for one change that raced past the check
# of .run/activity above (two hooks at once, a hook and the filter's silence), only one
# publishes, snapshots the screen and notifies. The flags of every other activity go.
flag=@job-runner-is-$new${new_for:+-$new_for}
set -- set-option -wo -t "$pane" "$flag" 1
for other in working idle waiting-permission waiting-question waiting-plan waiting-error waiting-input ended; do
  [ "@job-runner-is-$other" = "$flag" ] || set -- "$@" \; set-option -wu -t "$pane" "@job-runner-is-$other"
done
if [ "$new" = ended ]; then
  kind=$detail
  set -- "$@" \; set-option -w -t "$pane" @job-runner-state "$(literal "${detail:-done}")" \; \
    set-option -wu -t "$pane" @job-runner-activity \; set-option -wu -t "$pane" @job-runner-activity-since
else
  kind=$new
  set -- "$@" \; set-option -w -t "$pane" @job-runner-activity "$new" \; set-option -w -t "$pane" @job-runner-activity-since "$now"
fi
if [ "$new" = waiting ]; then
  set -- "$@" \; set-option -w -t "$pane" @job-runner-waiting-for "$(literal "$new_for")"
else
  set -- "$@" \; set-option -wu -t "$pane" @job-runner-waiting-for
fi
# the reason is for people to read (a rate limit, a failed request)
if [ "$new" = waiting ] && [ -n "$reason" ]; then
  set -- "$@" \; set-option -w -t "$pane" @job-runner-waiting-detail "$(literal "$reason")"
else
  set -- "$@" \; set-option -wu -t "$pane" @job-runner-waiting-detail
fi
set -- "$@" \; source-file "$recount" \; display-message -p -t "$pane" "$info" \; \
  list-clients -F '#{window_id} #{client_name}' \; display-message -p "$marker"
case $new in
  idle | waiting | ended) set -- "$@" \; if-shell -F -t "$pane" '#{alternate_on}' "capture-pane -p -t $pane" ;;
esac
answer=$(tmux "$@") || exit 0

# An idle job frees its slot and satisfies --after: when a job of its project is queued,
# the schedule pass runs, detached (the glob costs no process when none is).
if [ "$new" = idle ]; then
  for queued in "${ws%/*}/.queue/"*; do
    if [ -e "$queued" ]; then
      (trap '' HUP; exec "$here/job-runner" _schedule "$ws") </dev/null >/dev/null 2>&1 &
    fi
    break
  done
fi

# The answer: the nine info lines, one line per client, the marker, then the screen (if any).
{
  read -r window
  read -r alternate
  read -r tty
  read -r has_command
  read -r notify
  read -r bell
  read -r message
  read -r where
  read -r go_key
} <<EOF
$answer
EOF
clients=$answer
for _ in 1 2 3 4 5 6 7 8 9; do clients=${clients#*"$nl"}; done
clients=${clients%%"$marker"*}
screen=
case $answer in *"$marker$nl"?*) screen=${answer#*"$marker$nl"} ;; esac

# On the alternate screen nothing scrolls into the log: the screen goes there. At the end
# as it stands; at idle or waiting once it has stopped changing, in the background: the
# hook that says so runs while the agent may still be drawing (Claude Code 2.1.332 drew its
# reply after its Stop hook had begun; the log missed it). One snapshot at a time
# (.run/snapshot), and the wrapper waits for it before the job's end reaches the log.
if [ "$alternate" = 1 ] && [ -n "$screen" ]; then
  heading="----- the screen when the job became $kind${new_for:+ ($new_for)}, $(date -u +%Y-%m-%dT%H:%M:%SZ) -----"
  if [ "$new" = ended ]; then
    printf '\n%s\n%s\n' "$heading" "$screen" >>"$ws/log.txt"
  else
    (
      trap '' HUP
      tries=0
      until mkdir "$run/snapshot"; do
        tries=$((tries + 1))
        [ "$tries" -ge 30 ] && break
        sleep 0.1
      done
      # settled: the same for half a second (at most three seconds of looking)
      tries=0 same=0
      while [ "$tries" -lt 30 ] && [ "$same" -lt 5 ]; do
        sleep 0.1
        tries=$((tries + 1))
        # empty once the agent has left the alternate screen: the last one drawn stands
        next=$(tmux if-shell -F -t "$pane" '#{alternate_on}' "capture-pane -p -t $pane") || break
        [ -n "$next" ] || break
        if [ "$next" = "$screen" ]; then
          same=$((same + 1))
        else
          screen=$next same=0
        fi
      done
      printf '\n%s\n%s\n' "$heading" "$screen" >>"$ws/log.txt"
      rmdir "$run/snapshot"
    ) </dev/null &
  fi
fi

case " ${notify:-$default_notify} " in
  *" $kind "*) ;;
  *) exit 0 ;;
esac

name=${ws##*/}
case $kind in
  waiting) text="job $name waits for you ($new_for)" ;;
  idle) text="job $name is idle (its turn is over)" ;;
  *) text="job $name $kind" ;;
esac
text="$text, window $where${go_key:+ · $go_key}"
# display-message expands formats: a "#" must reach the screen as it is
case $text in *'#'*) text=$(printf '%s\n' "$text" | sed 's/#/##/g') ;; esac

# Who looks at the job's window already needs no telling; every other client gets a message.
watched=
set --
while read -r client_window client; do
  [ -n "$client" ] || continue
  if [ "$client_window" = "$window" ]; then
    watched=1
  else
    [ $# -gt 0 ] && set -- "$@" \;
    set -- "$@" display-message -c "$client" "$text"
  fi
done <<EOF
$clients
EOF
[ "${message:-$default_notify_message}" = on ] && [ $# -gt 0 ] && tmux "$@"
[ -n "$watched" ] && exit 0

# the window's bell flag (and the terminal bell, as bell-action says), rung through the
# pane's own terminal so that tmux takes it as the job's
[ "${bell:-$default_notify_bell}" = on ] && [ -n "$tty" ] && printf '\a' >"$tty"

if [ -n "$has_command" ]; then
  state=running activity=$new
  [ "$new" = ended ] && state=$kind activity=
  # in the background, and past the pane's end: a slow command (a phone push) must not
  # hold up the hook, and the window may close before it is done
  JOB_RUNNER_NAME=$name JOB_RUNNER_STATE=$state JOB_RUNNER_ACTIVITY=$activity JOB_RUNNER_WAITING_FOR=$new_for \
    JOB_RUNNER_WORKSPACE=$ws sh -c 'trap "" HUP; exec sh -c "$(tmux show-option -gqv @job-runner-notify-command)"' </dev/null >/dev/null 2>&1 &
fi
exit 0
