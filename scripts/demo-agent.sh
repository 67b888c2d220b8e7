#!/usr/bin/env bash
# A stand-in agent for `job-runner demo`: no AI, just what a job looks like.
# usage: demo-agent.sh succeed|fail|ask PROMPT
mode=$1 prompt=$2
notes=${JOB_RUNNER_JOB_DIR:-.}/notes.md
artifacts=${JOB_RUNNER_JOB_DIR:-.}/artifacts
task=${prompt%%$'\n'*}

note() { printf -- '- %s %s\n' "$(date +%H:%M:%S)" "$1" >>"$notes"; }

printf '\033[1mdemo agent\033[0m working on: %s\n' "$task"
note "started: $task"
case $mode in
  succeed)
    for step in "reading the project" "drafting" "polishing"; do
      printf '  %s...\n' "$step"
      sleep 0.5
    done
    printf 'tmux windows hum\njobs run while the cursor sleeps\nnotes wait for morning\n' >"$artifacts/haiku.txt"
    note "done: wrote artifacts/haiku.txt"
    printf '\033[32mdone\033[0m: wrote %s\n' "$artifacts/haiku.txt"
    ;;
  fail)
    printf '  compiling...\n'
    sleep 0.5
    printf '\033[31merror\033[0m: src/main.c:3: expected ";" (demo failure)\n' >&2
    note "failed: the build broke at src/main.c:3"
    exit 3
    ;;
  ask)
    note "question: which colour should the logo be? (answer in this job's window)"
    printf 'Which colour should the logo be? [red/blue] '
    read -r answer
    note "answer: ${answer:-no answer}; done"
    printf 'Using %s. Done.\n' "${answer:-blue}"
    ;;
  *)
    echo "demo-agent: unknown mode $mode (succeed, fail or ask)" >&2
    exit 2
    ;;
esac
