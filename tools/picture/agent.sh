#!/usr/bin/env bash
# The picture's stand-in for an agent without hooks (on the session's PATH as `agent`):
# what it prints, notes and how it ends is decided by the job's name, so that the
# commands typed in the picture stay short and every run draws the same states.
notes=$JOB_RUNNER_JOB_DIR/notes.md
note() { printf -- '- %s\n' "$1" >>"$notes"; }

# prints one numbered line every second: output keeps the job working
keep_working() {
  local i
  for ((i = 1; ; i++)); do printf '%s %d\n' "$1" "$i"; sleep 1; done
}

case $JOB_RUNNER_NAME in
  tests)
    note "84 of 120 tests passed so far"
    keep_working "test passed:"
    ;;
  frontend)
    note "wiring the pager into OrdersTable"
    keep_working "compiled module"
    ;;
  docs)
    # silent after this: the job turns idle
    note "drafted docs/orders-api.md"
    printf 'Drafted docs/orders-api.md. Anything else?\n> '
    exec sleep 100000
    ;;
  lint)
    printf 'linting 48 files...\n'
    sleep 2
    note "fixed 12 warnings in src/orders"
    printf 'fixed 12 warnings\n'
    ;;
  migrate)
    printf 'applying migrations...\n'
    sleep 3
    note "0042 conflicts with 0041"
    printf 'error: migration 0042 conflicts with 0041\n' >&2
    exit 1
    ;;
  *)
    note "started"
    printf 'working on: %s\n' "${!#}"
    sleep 2
    ;;
esac
