#!/usr/bin/env bats
# The Claude Code skill (skills/tmux-job-runner/SKILL.md): its frontmatter, the plugin's
# manifests, its examples run as written against fake agents, and install-skill.
load helpers

SKILL="$ROOT/skills/tmux-job-runner/SKILL.md"
EXAMPLES="$ROOT/test/fixtures/skill-examples.pl"

# The value of a frontmatter KEY of a SKILL.md (a plain one-line scalar, as ours are).
frontmatter_value() {
  perl -ne 'if ($. == 1) { exit 1 unless /^---$/; next } exit if /^---$/; print "$1\n" if /^\Q'"$1"'\E: (.*)$/' "${2:-$SKILL}"
}

# The examples' commands in order (skill-examples.pl), without line and status.
example_commands() { perl "$EXAMPLES" "$1" | cut -f3-; }

@test "SKILL.md: frontmatter with name and a description that says when to use it, as plain YAML scalars" {
  run frontmatter_value name
  assert_output tmux-job-runner
  run frontmatter_value description
  assert_output --partial 'Use when'
  # a plain scalar ends at ': ' or ' #', and a leading indicator changes its type
  refute_output --regexp ': | #'
  refute_output --regexp '^[][{}>|*&!%@`"'"'"',?:-]'
  run frontmatter_value allowed-tools
  assert_output 'Bash(${CLAUDE_PLUGIN_ROOT}/scripts/job-runner:*)'
}

@test "plugin manifests: the plugin's version is package.json's, the marketplace lists it at the root, no hooks" {
  run node -e '
    const read = (p) => JSON.parse(require("fs").readFileSync(process.argv[1] + "/" + p, "utf8"));
    const pkg = read("package.json"), plugin = read(".claude-plugin/plugin.json"), market = read(".claude-plugin/marketplace.json");
    if (plugin.name !== "tmux-job-runner") throw new Error("plugin name " + plugin.name);
    if (plugin.version !== pkg.version) throw new Error(`plugin version ${plugin.version}, package.json ${pkg.version}`);
    if (plugin.hooks !== undefined) throw new Error("the plugin names hooks");
    const entries = market.plugins.filter((p) => p.name === plugin.name);
    if (entries.length !== 1 || entries[0].source !== "./") throw new Error("marketplace entry " + JSON.stringify(entries));
    if (typeof market.owner?.name !== "string") throw new Error("marketplace owner");' "$ROOT"
  assert_success
  # a plugin-wide hook would apply to every session: job states come from per-job settings
  [ ! -e "$ROOT/hooks" ]
}

@test "SKILL.md: every sh example runs, in order, against fake agents, and exits as it says" {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  ln -s "$JR" "$BATS_TEST_TMPDIR/bin/job-runner"
  export PATH="$BATS_TEST_TMPDIR/bin:$PATH" CLAUDE_PLUGIN_ROOT="$ROOT"
  tmux set -g @job-runner-command "$ROOT/test/fixtures/skill-agent.sh" \; set -g @job-runner-idle-after 1
  run perl "$EXAMPLES" "$SKILL"
  assert_success
  local examples=$output failed=() number status expected command
  [ "$(wc -l <<<"$examples")" -ge 10 ]
  while IFS=$'\t' read -r number expected command; do
    echo "\$ $command"
    status=0
    # a line stands alone, as in a Bash tool call of its own; KILL: 137, not wait's 124
    timeout --signal=KILL 200 bash -c "$command" </dev/null || status=$?
    [ "$status" = "$expected" ] || failed+=("SKILL.md line $number exited $status, not $expected: $command")
  done <<<"$examples"
  if ((${#failed[@]})); then
    printf 'FAILED %s\n' "${failed[@]}"
    return 1
  fi
  # what the examples say happened, happened
  grep -qF -- '- asked: Also add pagination' "$(workspace backend)/notes.md"
  [ -f "$(workspace backend)/log.1.txt" ]
}

# install-skill with this test's HOME; CLAUDE_CONFIG_DIR unset unless given.
install_skill() { env -u CLAUDE_CONFIG_DIR "$@"; }

@test "install-skill: writes the skill with this CLI's absolute path, prints the path; again is fine" {
  local target="$HOME/.claude/skills/tmux-job-runner/SKILL.md" cli="$ROOT/scripts/job-runner"
  run install_skill "$JR" install-skill
  assert_success
  assert_output "$target"
  [ -f "$target" ]
  # the examples name the CLI by its path, and nothing refers to the plugin root any more
  run example_commands "$target"
  assert_success
  refute_line --regexp "^job-runner|[|;&(] *job-runner "
  assert_line --regexp "^$(printf '%q' "$cli") dispatch backend "
  run grep -c 'CLAUDE_PLUGIN_ROOT' "$target"
  assert_output 0
  run frontmatter_value allowed-tools "$target"
  assert_output "Bash($cli:*)"
  # the same commands as the source, the path in place of the bare name
  diff <(example_commands "$SKILL" | sed "s|^job-runner |$(printf '%q' "$cli") |") <(example_commands "$target")
  run install_skill "$JR" install-skill
  assert_success
  assert_output "$target"
  [ "$(ls -A "$HOME/.claude/skills/tmux-job-runner")" = SKILL.md ]
}

@test "install-skill: CLAUDE_CONFIG_DIR is where Claude Code keeps its user skills" {
  run env CLAUDE_CONFIG_DIR="$BATS_TEST_TMPDIR/claude-config" "$JR" install-skill
  assert_success
  assert_output "$BATS_TEST_TMPDIR/claude-config/skills/tmux-job-runner/SKILL.md"
  [ -f "$output" ]
  [ ! -e "$HOME/.claude" ]
}

@test "install-skill: refuses to replace a changed skill without --force (exit 1, one line naming it); --force replaces it" {
  local target="$HOME/.claude/skills/tmux-job-runner/SKILL.md"
  install_skill "$JR" install-skill
  echo "my own edit" >>"$target"
  run install_skill "$JR" install-skill
  assert_failure 1
  assert_equal "${#lines[@]}" 1
  assert_output --regexp "^job-runner: .*$target.*--force"
  grep -qx 'my own edit' "$target"
  run install_skill "$JR" install-skill --force
  assert_success
  assert_output "$target"
  ! grep -qx 'my own edit' "$target"
  run install_skill "$JR" install-skill
  assert_success
}
