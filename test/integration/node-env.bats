#!/usr/bin/env bats
# scripts/node-env.sh: node starts without NODE_EXTRA_CA_CERTS only where that saves its
# start, which it asks of each node binary once.
load helpers

CA="$BATS_TEST_TMPDIR/corp ca.pem"
STARTS="$BATS_TEST_TMPDIR/node-starts"
REAL_NODE=$(command -v node)

# Puts a node on PATH that reads NODE_EXTRA_CA_CERTS as it starts (reads: it warns, as
# node 20 does, when the file is missing) or not (lazy), and logs each start: the
# variable, job-runner's copy of it, and the arguments. It answers the shim's question
# (-e 0) itself, the real node on PATH may be of either kind; anything else it runs on
# the real node.
fake_node() {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  cat >"$BATS_TEST_TMPDIR/bin/node" <<EOF
#!/bin/bash
echo "\${NODE_EXTRA_CA_CERTS-unset}|\${JOB_RUNNER_NODE_EXTRA_CA_CERTS-unset}|\$*" >>'$STARTS'
if [ "\$*" = "-e 0" ]; then
  if [ $1 = reads ] && [ -n "\${NODE_EXTRA_CA_CERTS-}" ] && [ ! -e "\$NODE_EXTRA_CA_CERTS" ]; then
    echo "Warning: Ignoring extra certs from \\\`\$NODE_EXTRA_CA_CERTS\\\`, load failed" >&2
  fi
  exit 0
fi
exec '$REAL_NODE' "\$@"
EOF
  chmod +x "$BATS_TEST_TMPDIR/bin/node"
  [[ :$PATH: == *":$BATS_TEST_TMPDIR/bin:"* ]] || export PATH="$BATS_TEST_TMPDIR/bin:$PATH"
}

probes() { grep -c '|-e 0$' "$STARTS" || true; }
cli_starts() { grep '|.*dist/cli.cjs --version$' "$STARTS" | cut -d'|' -f1,2; }

@test "a node that reads NODE_EXTRA_CA_CERTS as it starts gets it under job-runner's name; node is asked once" {
  touch "$CA"
  export NODE_EXTRA_CA_CERTS="$CA"
  fake_node reads
  "$JR" --version
  "$JR" --version
  assert_equal "$(probes)" 1
  assert_equal "$(cli_starts)" "unset|$CA"$'\n'"unset|$CA"
}

@test "a node that reads it only for TLS gets the environment as it is; node is asked once" {
  touch "$CA"
  export NODE_EXTRA_CA_CERTS="$CA"
  fake_node lazy
  "$JR" --version
  "$JR" --version
  assert_equal "$(probes)" 1
  assert_equal "$(cli_starts)" "$CA|unset"$'\n'"$CA|unset"
}

@test "a node replaced in place is asked again" {
  touch "$CA"
  export NODE_EXTRA_CA_CERTS="$CA"
  fake_node lazy
  "$JR" --version
  fake_node reads
  "$JR" --version
  assert_equal "$(probes)" 2
  assert_equal "$(cli_starts)" "$CA|unset"$'\n'"unset|$CA"
}

@test "without NODE_EXTRA_CA_CERTS node is not asked, and the shim's own copy never reaches node" {
  unset NODE_EXTRA_CA_CERTS
  fake_node reads
  JOB_RUNNER_NODE_EXTRA_CA_CERTS=stale "$JR" --version
  assert_equal "$(probes)" 0
  assert_equal "$(cli_starts)" "unset|unset"
}

@test "with no cache folder to keep the answer in, the variable moves as on an old node" {
  touch "$CA"
  fake_node lazy
  env -u HOME -u XDG_CACHE_HOME NODE_EXTRA_CA_CERTS="$CA" "$JR" --version
  assert_equal "$(probes)" 0
  assert_equal "$(cli_starts)" "unset|$CA"
}

@test "node gets a compile cache in the user's cache folder, the agent the environment as it was" {
  unset NODE_COMPILE_CACHE XDG_CACHE_HOME
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  cat >"$BATS_TEST_TMPDIR/bin/node" <<EOF
#!/bin/bash
echo "\${NODE_COMPILE_CACHE-unset}|\${JOB_RUNNER_NODE_COMPILE_CACHE-unset}|\$*" >>'$STARTS'
exec '$REAL_NODE' "\$@"
EOF
  chmod +x "$BATS_TEST_TMPDIR/bin/node"
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" "$JR" --version
  assert_equal "$(grep 'dist/cli.cjs --version$' "$STARTS" | cut -d'|' -f1,2)" "$HOME/.cache/tmux-job-runner/node-compile-cache|1"
  "$JR" dispatch ccjob "t" --command "$AGENT env NODE_COMPILE_CACHE"
  "$JR" wait ccjob
  assert_equal "$(cat "$(workspace ccjob)/artifacts/env.txt")" UNSET
  "$JR" dispatch ccjob "t" --force --command "$AGENT env JOB_RUNNER_NODE_COMPILE_CACHE"
  "$JR" wait ccjob
  assert_equal "$(cat "$(workspace ccjob)/artifacts/env.txt")" UNSET
  # a cache the user set is theirs: node and the agent get it as it is
  export NODE_COMPILE_CACHE="$BATS_TEST_TMPDIR/their cache"
  "$JR" dispatch ccjob "t" --force --command "$AGENT env NODE_COMPILE_CACHE"
  "$JR" wait ccjob
  assert_equal "$(cat "$(workspace ccjob)/artifacts/env.txt")" "$NODE_COMPILE_CACHE"
}
