# Shell helpers for tmux-job-runner.tmux (sourced, not run).

# Prints what is missing to run the plugin (tmux >= 3.2, node >= 18), or nothing.
missing_requirement() {
  local tmux_version node_version
  tmux_version=$(tmux -V 2>/dev/null)
  if ! tmux_version_ok "$tmux_version"; then
    echo "needs tmux 3.2 or newer (found: ${tmux_version:-none}); key bindings not installed"
    return
  fi
  if ! command -v node >/dev/null 2>&1; then
    echo "needs Node.js 18 or newer in tmux's PATH (found none); key bindings not installed"
    return
  fi
  node_version=$(node --version 2>/dev/null)
  node_version=${node_version#v}
  if [ "${node_version%%.*}" -lt 18 ] 2>/dev/null; then
    echo "needs Node.js 18 or newer (found: $node_version); key bindings not installed"
  fi
}

# True for "tmux 3.2", "tmux 3.3a", "tmux next-3.4", "tmux master" and later.
tmux_version_ok() {
  local version=$1 major minor
  [[ $version == *master* ]] && return 0
  [[ $version =~ ([0-9]+)\.([0-9]+) ]] || return 1
  major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
  ((major > 3 || (major == 3 && minor >= 2)))
}
