# Shared by the queue tests (queue.bats, queue-edges.bats): fake agents that record, in
# their own log, when each started and ended.

# Isolated, with a server; QAGENT, QUEUE_LOG (a variable of this shell: queued jobs get
# the dispatching shell's environment) and GO (a file agents may wait for).
queue_setup() {
  isolate
  start_server
  QAGENT="$ROOT/test/fixtures/queue-agent.sh"
  export QUEUE_LOG="$BATS_TEST_TMPDIR/queue.log"
  : >"$QUEUE_LOG"
  GO="$BATS_TEST_TMPDIR/go"
}

# dispatch NAME MODE [ARG] [dispatch options...]: a queue agent named NAME.
qdispatch() {
  local name=$1 mode=$2 arg=
  shift 2
  if [ $# -gt 0 ] && [[ $1 != --* ]]; then arg=$1; shift; fi
  "$JR" dispatch "$name" "task $name" --command "$QAGENT $name $mode $arg" "$@"
}

# A field of job NAME's job.json as written, not as a read reconciles it (a read is an
# observer that would run the schedule pass).
recorded_field() { node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[process.argv[2]])' "$(workspace "$1")/job.json" "$2"; }
