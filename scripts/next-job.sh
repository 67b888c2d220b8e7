#!/bin/sh
# next-job.sh [CLIENT [WINDOW]]: switches CLIENT (default: tmux's current client) to the
# window of the next job that needs the user: the waiting jobs if any, else the idle ones,
# the longest in that activity first, the one after WINDOW (the window the client is in),
# from the first again after the last. Bound to @job-runner-next-key. POSIX sh and one
# tmux query, no node: it is a key press, and the jobs' windows say their activity
# themselves (@job-runner-activity and @job-runner-activity-since, set by the jobs).
client=${1-}
current=${2-}

# "RANK SINCE WINDOW_ID" per job window that waits (0) or is idle (1), in the order the
# picker shows them (the same windows the status line counts); a window linked into
# several sessions is listed once per session, and taken once
target=$(tmux list-windows -a \
  -f '#{||:#{==:#{@job-runner-activity},waiting},#{==:#{@job-runner-activity},idle}}' \
  -F '#{?#{==:#{@job-runner-activity},waiting},0,1} #{?#{@job-runner-activity-since},#{@job-runner-activity-since},0} #{window_id}' 2>/dev/null |
  sort -k1,1n -k2,2n -k3.2n |
  awk -v current="$current" '
    NR == 1 { rank = $1 }
    $1 == rank && !seen[$3]++ { ids[++n] = $3; if ($3 == current) at = n }
    END { if (n) print ids[at % n + 1], rank }')

window=${target% *}
case ${target#* } in
  0) kind=waiting ;;
  *) kind=idle ;;
esac

# -c only when the binding named the client: run by hand, tmux picks the current one
if [ -z "$target" ]; then
  tmux display-message ${client:+-c "$client"} 'job-runner: no job is waiting or idle'
elif [ "$window" = "$current" ]; then
  tmux display-message ${client:+-c "$client"} "job-runner: no other job is $kind"
else
  tmux switch-client ${client:+-c "$client"} -t "$window"
fi
exit 0
