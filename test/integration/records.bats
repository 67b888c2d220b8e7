#!/usr/bin/env bats
# A Claude job's readable records: _turn (started by its Stop hook) writes transcript.md
# and summary.txt from Claude Code's transcript; show names transcript.md.
load helpers

FIXTURE="$ROOT/test/fixtures/transcripts/claude-2.1.197.jsonl"

@test "_turn writes transcript.md and summary.txt from a real transcript, and show names it" {
  "$JR" dispatch talk "t" --command "$AGENT exit 0"
  wait_until job_ended talk
  ws=$(workspace talk)
  run "$JR" show talk
  refute_output --partial transcript

  run "$JR" _turn "$ws" "$FIXTURE"
  assert_success
  assert_output ''
  grep -qxF '# Transcript of job talk' "$ws/transcript.md"
  grep -qxF '> Second prompt, plain text' "$ws/transcript.md"
  grep -qxF 'MOCK-REPLY-OK tool result received.' "$ws/transcript.md"
  assert_equal "$(cat "$ws/summary.txt")" 'MOCK-REPLY-OK (reply 1) The mock model read your prompt.'

  run "$JR" show talk
  assert_line --regexp "^transcript +$ws/transcript.md$"
}

@test "_turn is silent and exits 0 when the transcript or the workspace is missing" {
  "$JR" dispatch talk "t" --command "$AGENT exit 0"
  wait_until job_ended talk
  ws=$(workspace talk)
  run "$JR" _turn "$ws" "$BATS_TEST_TMPDIR/no-such.jsonl"
  assert_success
  assert_output ''
  [ ! -e "$ws/transcript.md" ]
  run "$JR" _turn "$BATS_TEST_TMPDIR/no-such-workspace" "$FIXTURE"
  assert_success
  assert_output ''
  [ ! -e "$BATS_TEST_TMPDIR/no-such-workspace" ]
}
