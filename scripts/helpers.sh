# Shell helpers for tmux-job-runner.tmux (sourced, not run).

# Reads a global tmux option, falling back to a default when it is unset or empty.
get_tmux_option() {
  local value
  # -u: without a UTF-8 locale tmux prints non-ASCII characters as "_"
  value=$(tmux -u show-option -gqv "$1")
  echo "${value:-$2}"
}

# Quotes a word for sh (popups and run-shell run their command with sh -c).
sh_quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# Prints what is missing to run the plugin (tmux >= 3.2, node >= 20), or nothing.
missing_requirement() {
  local node_version
  if ! tmux_version_at_least 3 2; then
    echo "needs tmux 3.2 or newer (found: $(tmux -V 2>/dev/null || echo none)); key bindings not installed"
    return
  fi
  if ! command -v node >/dev/null 2>&1; then
    echo "needs Node.js 20 or newer in tmux's PATH (found none); key bindings not installed"
    return
  fi
  node_version=$(node --version 2>/dev/null)
  node_version=${node_version#v}
  if [ "${node_version%%.*}" -lt 20 ] 2>/dev/null; then
    echo "needs Node.js 20 or newer (found: $node_version); key bindings not installed"
  fi
}

# True when tmux is at least MAJOR.MINOR ("tmux 3.3a", "tmux next-3.4", "tmux master").
tmux_version_at_least() {
  local version major minor
  version=$(tmux -V 2>/dev/null) || return 1
  [[ $version == *master* ]] && return 0
  [[ $version =~ ([0-9]+)\.([0-9]+) ]] || return 1
  major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
  ((major > $1 || (major == $1 && minor >= $2)))
}

# Escapes the glob characters of a path for tmux's source-file, which expands patterns.
glob_escape() { sed 's/[][*?\\]/\\&/g' <<<"$1"; }
