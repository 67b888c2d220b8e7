# Option names and defaults for tmux-job-runner.tmux (sourced, not run).
# The typed table in src/core/options.ts is the source; a unit test keeps this file in step.
dispatch_key_option="@job-runner-dispatch-key"
default_dispatch_key="J"
picker_key_option="@job-runner-picker-key"
default_picker_key="L"
next_key_option="@job-runner-next-key"
default_next_key=""
popup_width_option="@job-runner-popup-width"
default_popup_width="80%"
popup_height_option="@job-runner-popup-height"
default_popup_height="80%"
bin_dir_option="@job-runner-bin-dir"
default_bin_dir=""

# Where the plugin remembers the keys it bound, to unbind them when an option changes.
bound_dispatch_key_option="@job-runner-bound-dispatch-key"
bound_picker_key_option="@job-runner-bound-picker-key"
bound_next_key_option="@job-runner-bound-next-key"

# Status-line interpolations: what users write, and the global option that holds the value.
status_interpolations=(
  "\#{job_runner_running}" "#{?@job-runner-running,#{@job-runner-running},0}"
  "\#{job_runner_total}" "#{?@job-runner-total,#{@job-runner-total},0}"
  "\#{job_runner_failed}" "#{?@job-runner-failed,#{@job-runner-failed},0}"
  "\#{job_runner_working}" "#{?@job-runner-working,#{@job-runner-working},0}"
  "\#{job_runner_waiting}" "#{?@job-runner-waiting,#{@job-runner-waiting},0}"
  "\#{job_runner_idle}" "#{?@job-runner-idle,#{@job-runner-idle},0}"
  "\#{job_runner_status}" "#{@job-runner-status}"
)

# Where the hooks find scripts/recount.conf (its path, escaped for source-file).
recount_file_option="@job-runner-recount-file"

# Our slot in the window-unlinked and pane-died hook arrays (other plugins keep theirs).
hook_index=71
