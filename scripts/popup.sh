#!/usr/bin/env bash
# popup.sh dispatch|picker: runs a popup helper, as the plugin's key bindings do. The
# picker lists jobs at once, so it gets the server query prefetched (scripts/prefetch.sh);
# the dispatch form asks tmux only when the user submits, when a prefetched answer
# would be stale. Both start through here, for scripts/node-env.sh.
dir=${BASH_SOURCE[0]%/*}
. "$dir/node-env.sh"
if [ "${1-}" = picker ]; then
  . "$dir/prefetch.sh"
  start_prefetch
  exec node "$dir/../dist/popup.cjs" "$@"
fi
exec node "$dir/../dist/popup.cjs" "$@"
