#!/usr/bin/env bash
# tmux-job-runner: TPM entry point. Checks what the plugin needs at load time and
# says what to install, so that nothing half-working is left bound. (Key bindings
# and status-line counts come with the plugin's next part; the CLI works today.)
CURRENT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# shellcheck source=scripts/helpers.sh
source "$CURRENT_DIR/scripts/helpers.sh"

main() {
  local problem
  problem=$(missing_requirement)
  [ -z "$problem" ] || tmux display-message "tmux-job-runner: $problem"
}

main
