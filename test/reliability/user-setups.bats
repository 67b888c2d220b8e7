#!/usr/bin/env bats
# What users bring: the plugin installed in odd folders, and their own tmux configurations.
load ../integration/helpers

# Copies what a TPM install holds (no node_modules: TPM runs no npm) to a folder.
install_plugin_at() {
  mkdir -p "$1"
  cp -r "$ROOT/tmux-job-runner.tmux" "$ROOT/scripts" "$ROOT/dist" "$1/"
}

@test "a plugin folder with any shell or tmux special character: its jobs are running, counted, and rm refuses them" {
  specials=('dq"x' "sq'x" 'sp x' 'sub$(id)x' 'semi;x' 'fmt#{S}x' 'tick`id`x' 'back\x' 'all "'"'"' $(id);#{S}`id`\ x')
  i=0
  for special in "${specials[@]}"; do
    i=$((i + 1))
    plugin="$BATS_TEST_TMPDIR/plugins/$i/$special/tmux-job-runner"
    install_plugin_at "$plugin"
    "$plugin/scripts/job-runner" dispatch "odd-$i" "t" --command "$AGENT sleep"
    wait_until bash -c "\"\$0\" list | grep -Eq '^odd-$i +(working|idle) '" "$plugin/scripts/job-runner"
    run "$plugin/scripts/job-runner" list
    assert_line --regexp "^odd-$i +(working|idle) "
    wait_until published_running_is "$i"
    run "$plugin/scripts/job-runner" rm "odd-$i"
    assert_failure 1
    [ -f "$(workspace "odd-$i")/job.json" ]
  done
  for ((n = 1; n <= i; n++)); do "$JR" kill "odd-$n"; done
  run "$JR" wait "odd-1"
  assert_failure 143
  echo "# plugin folders: ${#specials[@]} with special characters, each job running, counted and kept from rm" >&3
}

@test "destroy-unattached on in the user's config: a dispatch from outside tmux keeps its session and its job" {
  kill_server
  echo 'set -g destroy-unattached on' >"$HOME/.tmux.conf"
  "$JR" dispatch kept "t" --command "$AGENT sleep"
  assert_equal "$(job_field kept state)" running
  "$JR" dispatch also "t" --command "$AGENT exit 3"
  run "$JR" wait also
  assert_failure 3
  assert_equal "$(job_field kept state)" running
  # only the session job-runner made has the option off
  assert_equal "$(tmux show -gv destroy-unattached)" on
  "$JR" kill kept
  assert_equal "$(job_field kept state)" killed
}

@test "another pipe-pane on a job's pane (tmux-logging's toggle): show and list say so, and the job's end leaves that pipe open" {
  "$JR" dispatch piped "t" --command "$AGENT ask"
  wait_until grep -q 'Proceed?' "$(workspace piped)/log.txt"
  theirs="$BATS_TEST_TMPDIR/their-log.txt"
  tmux pipe-pane -t jobs:piped "cat >> '$theirs'"
  wait_until bash -c "'$JR' show piped | grep -q 'log capture taken over'"
  run "$JR" list
  assert_line --regexp '^piped +(working|idle) .*log capture taken over'
  tmux send-keys -t jobs:piped "y" Enter
  "$JR" wait piped
  assert_equal "$(tmux display -p -t jobs:piped '#{pane_pipe}')" 1
  tmux send-keys -t jobs:piped "echo after-the-job" Enter
  wait_until grep -q after-the-job "$theirs"
}

long_job_active() { "${inside[@]}" "$JR" list | grep -Eq '^long +(working|idle) '; }

# Runs the checks every configuration must pass, from outside tmux or (inside) from a
# pane of session main: a job done with its log, a running job counted, listed and
# killed with its code and window kept, rm of the ended jobs.
check_jobs_work() {
  local where=$1 label=$2 inside=()
  [ "$where" = inside ] && inside=(env TMUX="$(tmux display -p -t main: '#{socket_path},#{pid},0')" TMUX_PANE="$(tmux display -p -t main: '#{pane_id}')")
  "${inside[@]}" "$JR" dispatch quick "t" --command "$AGENT marker quick-$label"
  run "${inside[@]}" "$JR" wait quick
  assert_success
  grep -q "quick-$label" "$(workspace quick)/log.txt"
  "${inside[@]}" "$JR" dispatch long "t" --command "$AGENT sleep"
  # a job counts as running until its wrapper reports what it does
  wait_until long_job_active
  run "${inside[@]}" "$JR" list
  assert_line --regexp '^quick +done +0 '
  wait_until published_running_is 1
  "${inside[@]}" "$JR" kill long
  run "${inside[@]}" "$JR" wait long
  assert_failure 143
  assert_equal "$(job_field long state)" killed
  [ -n "$(job_field long window)" ] && [ "$(job_field long window)" != null ]
  wait_until published_running_is 0
  "${inside[@]}" "$JR" rm quick
  "${inside[@]}" "$JR" rm long
}

@test "user tmux configurations: jobs start, log, count, end, get killed and removed under each" {
  configs=(
    'set -g base-index 1'
    'set -g base-index 1 ; setw -g pane-base-index 1 ; set -g renumber-windows on'
    'setw -g automatic-rename on ; setw -g allow-rename on'
    'setw -g remain-on-exit on'
    "set -g default-command 'bash -l'"
    'set -g history-limit 1'
    'set -g @job-runner-session "my jobs"'
  )
  for shell in dash zsh fish tcsh; do
    command -v "$shell" >/dev/null && configs+=("set -g default-shell $(command -v "$shell")")
  done
  for config in "${configs[@]}"; do
    for where in outside inside; do
      restart_with_config "$config"
      check_jobs_work "$where" "${config//[^a-z]/}"
    done
  done
  # destroy-unattached inside tmux: the calling session is attached from its start, as a user's is
  printf 'set -g destroy-unattached on\n' >"$HOME/.tmux.conf"
  kill_server
  OUTER="outer-$BATS_TEST_NUMBER"
  tmux -L "$OUTER" -f /dev/null new-session -d -x 160 -y 45 "env -u TMUX tmux new-session -s main"
  wait_until client_attached
  check_jobs_work inside destroy
  echo "# user configurations: ${#configs[@]} (and destroy-unattached inside tmux), from outside and inside tmux, every check held" >&3
}

# A fresh server that loads the user's config (HOME is the test's own).
restart_with_config() {
  printf '%s\n' "$1" >"$HOME/.tmux.conf"
  kill_server
  tmux new-session -d -s main -x 200 -y 50
}

@test "without a UTF-8 locale (LANG unset, as in cron and containers) jobs are found and status-left keeps its characters" {
  # the whole server and every client in the C locale
  kill_server
  unset LANG LC_ALL LC_CTYPE
  tmux -f /dev/null new-session -d -s main -x 200 -y 50
  tmux set -g status-left 'é⚙ #{job_runner_running}'
  load_plugin
  run tmux -u show -gv status-left
  assert_output 'é⚙ #{?@job-runner-running,#{@job-runner-running},0}'
  "$JR" dispatch plain "t" --command "$AGENT sleep"
  wait_until bash -c "'$JR' list | grep -Eq '^plain +(working|idle) '"
  run "$JR" list
  assert_line --regexp '^plain +(working|idle) '
  wait_until published_running_is 1
  run "$JR" wait plain --timeout 1
  assert_failure 124
}
