#!/usr/bin/env bash
# dispatch.sh NAME TASK: the hand-made dispatch script's usage, now backed by job-runner.
# The task goes through stdin, so every byte of it reaches the agent unchanged.
src=${BASH_SOURCE[0]}
[ -L "$src" ] && src=$(readlink -f "$src")
dir=${src%/*}
if [ $# -ne 2 ]; then
  echo "usage: dispatch.sh NAME TASK   (quote the task; for options use: job-runner dispatch --help)" >&2
  exit 2
fi
printf '%s' "$2" | "$dir/job-runner" dispatch "$1" -
