#!/usr/bin/env bats
# The JSON contract: every field list --json and show --json print is documented in the
# README's JSON table, and every field documented there is printed (both directions).
load helpers

fields_match() {
  local label=$1
  shift
  "$@" | node "$ROOT/test/fixtures/json-fields.mjs" "$ROOT/README.md" "$label" ${all:+--all}
}

# One job of list --json, as a JSON object.
listed_job() {
  "$JR" list --json | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      console.log(JSON.stringify(JSON.parse(s).find((job) => job.name === process.argv[1])));
    });' "$1"
}

@test "list --json and show --json print exactly the fields the README documents, for an ended, a running and a corrupt job" {
  "$JR" dispatch ended "t" --command "$AGENT exit 0"
  "$JR" dispatch reader "t" --reads ended --command "$AGENT sleep"
  wait_until job_ended ended
  fields_match "list --json" "$JR" list --json
  # the ended job again, now from the index
  fields_match "list --json (from the index)" "$JR" list --json
  fields_match "show --json of an ended job" "$JR" show ended --json
  fields_match "show --json of a running job" "$JR" show reader --json
  mkdir -p "$(workspace broken)" && echo '{' >"$(workspace broken)/job.json"
  all=1 fields_match "show --json of a corrupt job" "$JR" show broken --json
  all=1 fields_match "list --json of a corrupt job" listed_job broken
}
