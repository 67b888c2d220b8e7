#!/usr/bin/env bash
# tmux-job-runner: TPM entry point. Binds the dispatch popup and the job picker,
# installs the status-line counts, and says what to install when tmux or node
# is missing or too old (binding nothing that would not work).
CURRENT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# shellcheck source=scripts/variables.sh
source "$CURRENT_DIR/scripts/variables.sh"
# shellcheck source=scripts/helpers.sh
source "$CURRENT_DIR/scripts/helpers.sh"

# The popup command for one of the helpers (it asks tmux which pane it was opened from):
# through popup.sh, which starts node lean (scripts/node-env.sh) and prefetches the
# picker's server query. exec: the default shell would otherwise stay the popup's first
# process, and a Ctrl-\ meant for the picker's pager would end it and close the popup.
popup_command() {
  printf 'exec bash %s %s' "$(sh_quote "$CURRENT_DIR/scripts/popup.sh")" "$1"
}

# Binds KEY (or nothing for "none") to a popup, after unbinding the key this plugin
# bound last time: changing the option and re-sourcing the config takes effect.
set_popup_binding() {
  local key_option=$1 default_key=$2 bound_option=$3 which=$4 title=$5
  local key previous
  key=$(get_tmux_option "$key_option" "$default_key")
  previous=$(get_tmux_option "$bound_option" "")
  [ -n "$previous" ] && tmux unbind-key "$previous"
  tmux set-option -gu "$bound_option"
  [ "$key" = none ] && return
  local style=()
  # titles and rounded borders arrived in tmux 3.3
  tmux_version_at_least 3 3 && style=(-T " $title " -b rounded)
  tmux bind-key "$key" display-popup -E -d '#{pane_current_path}' \
    -w "$(get_tmux_option "$popup_width_option" "$default_popup_width")" \
    -h "$(get_tmux_option "$popup_height_option" "$default_popup_height")" \
    "${style[@]}" "$(popup_command "$which")"
  tmux set-option -g "$bound_option" "$key"
}

# Binds the next key (unbound by default) to scripts/next-job.sh, with the client and the
# window it is in, after unbinding the key bound last time, as set_popup_binding does.
# run-shell expands formats in its command: a "#" in the plugin's path is doubled.
set_next_key_binding() {
  local key previous script
  key=$(get_tmux_option "$next_key_option" "$default_next_key")
  previous=$(get_tmux_option "$bound_next_key_option" "")
  [ -n "$previous" ] && tmux unbind-key "$previous"
  tmux set-option -gu "$bound_next_key_option"
  [ -z "$key" ] || [ "$key" = none ] && return
  script=$(sh_quote "$CURRENT_DIR/scripts/next-job.sh")
  tmux bind-key "$key" run-shell "sh ${script//#/##} #{q:client_name} #{window_id}"
  tmux set-option -g "$bound_next_key_option" "$key"
}

# Replaces #{job_runner_running} (and friends) in status-left/right with global
# options: a status refresh then expands them without starting any process.
# An option without them is left as it is.
update_status_interpolations() {
  local side value original i
  for side in status-left status-right; do
    original=$(tmux -u show-option -gqv "$side")
    value=$original
    for ((i = 0; i < ${#status_interpolations[@]}; i += 2)); do
      value=${value//${status_interpolations[i]}/${status_interpolations[i + 1]}}
    done
    [ "$value" = "$original" ] && continue
    # tmux reads an argument ending in ";" as the end of the command, and drops the ";"
    [[ $value == *';' ]] && value="${value%;}\\;"
    tmux set-option -gq "$side" "$value"
  done
}

# Keeps the counts right when a job window closes without its job telling (kill-window,
# a dead pane with remain-on-exit): tmux recounts from scripts/recount.conf itself, no
# process started. At window-unlinked the window is out of the session already, at
# pane-died the pane is dead: both are counted as they are now. The path goes through an
# option (source-file -F), so it needs no quoting for tmux's parser whatever it holds;
# source-file expands glob patterns, which the escape keeps out.
set_count_hooks() {
  local recount="if-shell -F '#{@job-runner-total}' 'source-file -F \"#{$recount_file_option}\"'"
  tmux set-option -g "$recount_file_option" "$(glob_escape "$CURRENT_DIR/scripts/recount.conf")"
  tmux set-hook -g "window-unlinked[$hook_index]" "$recount"
  tmux set-hook -g "pane-died[$hook_index]" "$recount"
}

# Links the CLI into @job-runner-bin-dir, so that job-runner runs by its name in a new
# pane after a TPM install. Only ever creates or replaces our own link (one to a
# tmux-job-runner's scripts/job-runner): anything else there stays, and a message says
# so. The user's shell files are theirs: when the folder is not on tmux's PATH, the
# message gives the line to add.
link_cli() {
  local dir link target current message
  dir=$(get_tmux_option "$bin_dir_option" "$default_bin_dir")
  [ -n "$dir" ] || return 0
  [[ $dir == "~/"* ]] && dir="$HOME/${dir#"~/"}"
  dir=${dir%/}
  if [[ $dir != /* ]]; then
    show_message "$bin_dir_option $dir: give an absolute folder (or ~/...); job-runner not linked"
    return 0
  fi
  link="$dir/job-runner"
  target="$CURRENT_DIR/scripts/job-runner"
  if [ -L "$link" ]; then
    current=$(readlink "$link")
    [ "$current" = "$target" ] && return 0
    if ! is_cli_link_target "$current"; then
      show_message "$link links to $current, not to this plugin: left as it is (remove it, or set $bin_dir_option to another folder)"
      return 0
    fi
  elif [ -e "$link" ]; then
    show_message "$link exists and is not a link to this plugin: left as it is (remove it, or set $bin_dir_option to another folder)"
    return 0
  fi
  if ! message=$({ mkdir -p "$dir" && ln -sfn "$target" "$link"; } 2>&1); then
    show_message "could not link $link: ${message##*: }; check the folder's permissions or set $bin_dir_option to another folder"
    return 0
  fi
  case ":$PATH:" in
  *":$dir:"* | *":$dir/:"*) show_message "linked $link: type job-runner in a new pane" ;;
  *) show_message "linked $link, but $dir is not on tmux's PATH: add export PATH=\"$(home_relative "$dir"):\$PATH\" to ~/.bashrc or ~/.zshrc" ;;
  esac
}

# True for a link target that is a tmux-job-runner's CLI: one gone with its old plugin
# folder, or beside a plugin entry point.
is_cli_link_target() {
  [[ $1 == */scripts/job-runner ]] || return 1
  [ ! -e "$1" ] || [ -f "${1%/scripts/job-runner}/tmux-job-runner.tmux" ]
}

# A folder as a shell rc line names it: under $HOME by $HOME.
home_relative() {
  if [[ $1 == "$HOME/"* ]]; then echo "\$HOME/${1#"$HOME/"}"; else echo "$1"; fi
}

# One message on the status line; a "#" in a path is doubled, or tmux reads a format.
show_message() { tmux display-message "tmux-job-runner: ${1//#/##}"; }

main() {
  local problem
  problem=$(missing_requirement)
  if [ -n "$problem" ]; then
    tmux display-message "tmux-job-runner: $problem"
    return 0
  fi
  set_popup_binding "$dispatch_key_option" "$default_dispatch_key" "$bound_dispatch_key_option" dispatch "dispatch a job"
  set_popup_binding "$picker_key_option" "$default_picker_key" "$bound_picker_key_option" picker "jobs"
  set_next_key_binding
  update_status_interpolations
  set_count_hooks
  link_cli
  # the counts of the jobs already running (a re-sourced config, a plugin update)
  tmux source-file -F "#{$recount_file_option}"
}

main
