#!/usr/bin/env bash
# dispatch.sh NAME TASK: the hand-made dispatch script's usage, now backed by job-runner.
# The task goes through stdin, so every byte of it reaches the agent unchanged.
src=${BASH_SOURCE[0]}
[ -L "$src" ] && src=$(readlink -f "$src")
dir=${src%/*}
if [ $# -ne 2 ]; then
  echo "job-runner: usage: dispatch.sh NAME TASK (quote a task that has spaces; for options use: job-runner dispatch --help)" >&2
  exit 2
fi
if ! command -v node >/dev/null 2>&1; then
  echo "job-runner: node not found: install Node.js 20 or newer (https://nodejs.org or your package manager)" >&2
  exit 2
fi
. "$dir/node-env.sh"
. "$dir/prefetch.sh"
start_prefetch
start_tmux_helper
# the task on stdin, opened by its own exec as the query is (prefetch.sh)
exec < <(printf '%s' "$2")
exec node "$dir/../dist/cli.cjs" dispatch "$1" -
