# Sourced by the shims before they start node. Node 18 and 20 read NODE_EXTRA_CA_CERTS
# as they start, before any code runs, and build their whole root certificate store
# with it: a large part of their start (figures in docs/ARCHITECTURE.md). job-runner
# opens no TLS connection, so its node starts without the variable, and puts it back
# into its own environment first thing (src/core/node-env.ts): the agents it starts,
# which may need it behind a proxy, get it unchanged.
unset JOB_RUNNER_NODE_EXTRA_CA_CERTS
if [ -n "${NODE_EXTRA_CA_CERTS+set}" ]; then
  export JOB_RUNNER_NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"
  unset NODE_EXTRA_CA_CERTS
fi
