# Sourced by the shims before they start node. Node 18 to 21 and 22 before 22.7 read
# NODE_EXTRA_CA_CERTS as they start, before any code runs, and build their whole root
# certificate store with it: a large part of their start (figures in
# docs/ARCHITECTURE.md). job-runner opens no TLS connection, so on such a node it starts
# without the variable, and puts it back into its own environment first thing
# (src/core/node-env.ts): the agents it starts, which may need it behind a proxy, get it
# unchanged. Later nodes read it at their first TLS connection: there the shim leaves
# the environment alone.
unset JOB_RUNNER_NODE_EXTRA_CA_CERTS JOB_RUNNER_NODE_COMPILE_CACHE
# Node 22.1 and later keep the code they compiled in NODE_COMPILE_CACHE and reuse it
# at the next start (node 20 ignores the variable): job-runner's bundle then starts
# without being compiled again. A cache the user set is theirs and stays as it is; ours
# is taken back out of the environment by node-env.ts, so nothing job-runner starts
# writes into it.
if [ -z "${NODE_COMPILE_CACHE+set}" ] && [ -n "${XDG_CACHE_HOME:-${HOME-}}" ]; then
  export NODE_COMPILE_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/tmux-job-runner/node-compile-cache" JOB_RUNNER_NODE_COMPILE_CACHE=1
fi
# without the variable there is nothing to decide (and the rest is not even parsed)
[ -n "${NODE_EXTRA_CA_CERTS+set}" ] || return 0

# Which kind the node on PATH is, is asked of node once: a node that reads the file as it
# starts warns, naming it, when the file is missing. The answer is kept per node binary,
# as the name of an empty file in the user's cache, and holds while that file is newer
# than the binary and its folder (an upgrade in place, a link replaced there). Without a
# cache the variable moves, as on an old node: that is right on every node, and a wrong
# answer costs only speed.
node_reads_ca_certs_at_start() {
  local node cache probe
  hash node 2>/dev/null || return 0
  node=${BASH_CMDS[node]-}
  [ -n "$node" ] && [ -n "${XDG_CACHE_HOME:-${HOME-}}" ] || return 0
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/tmux-job-runner/node-start
  probe="$cache/${node//\//%}"
  if [ "$probe.lazy" -nt "$node" ] && [ "$probe.lazy" -nt "${node%/*}" ]; then return 1; fi
  if [ "$probe.reads" -nt "$node" ] && [ "$probe.reads" -nt "${node%/*}" ]; then return 0; fi
  mkdir -p "$cache" 2>/dev/null || return 0
  rm -f "$probe.lazy" "$probe.reads"
  if [[ $(NODE_EXTRA_CA_CERTS="$cache/missing.pem" "$node" -e 0 2>&1 </dev/null) == *"$cache/missing.pem"* ]]; then
    : 2>/dev/null >"$probe.reads"
    return 0
  fi
  : 2>/dev/null >"$probe.lazy"
  return 1
}

if node_reads_ca_certs_at_start; then
  export JOB_RUNNER_NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"
  unset NODE_EXTRA_CA_CERTS
fi
