#!/usr/bin/env bats
# The repository's Claude Code skill and plugin, with the real Claude Code (its model API
# mocked on 127.0.0.1): the manifests validate, the plugin installs from the repository's
# path into a private configuration, and a session given the skill fans out jobs by itself.
# Needs Claude Code as test/claude/helpers.bash says (skipped without it).
load helpers

# The plugin is the repository itself: its manifests and skills/ (the plugin root).
PLUGIN_ROOT=$ROOT
SKILL=tmux-job-runner

# Installs the skill as a user without plugins does: the skill under
# $CLAUDE_CONFIG_DIR/skills/ with the CLI's absolute path.
install_skill() { "$JR" install-skill; }

setup() { setup_claude; }

# A field of a JSON file, by a JavaScript path (`.plugins[0].name`).
json_field() { node -e 'console.log(eval("(j) => j" + process.argv[2])(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))))' "$1" "$2"; }

# The skill's description as its SKILL.md frontmatter gives it on one line (empty when it
# is not on one line).
skill_description() {
  sed -n '1,/^---$/{/^description: /{s/^description: *//;s/^["'\'']//;s/["'\'']$//;/^[>|]/d;p}}' "$1" | head -1
}

# Succeeds when a request to the mock lists the skill NAME (plugin skills: PLUGIN:NAME)
# among the skills Claude Code offers, with text that starts like DESCRIPTION.
mock_saw_skill_listed() {
  node -e '
    const [file, name, description] = process.argv.slice(1);
    const all = (v) => typeof v === "string" ? v : Array.isArray(v) ? v.map(all).join("\n")
      : v && typeof v === "object" ? Object.values(v).map(all).join("\n") : "";
    const line = `- ${name}: ${description.slice(0, 40)}`;
    const lines = require("fs").readFileSync(file, "utf8").split("\n").filter(Boolean);
    process.exit(lines.some((l) => all(JSON.parse(l).body).split("\n").some((t) => t.startsWith(line))) ? 0 : 1);' \
    "$REQUESTS" "$1" "$2"
}

# The Bash commands of the longest conversation the mock saw, one a line, in order.
bash_commands_seen() {
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
    const longest = lines.map((l) => JSON.parse(l).body).filter((b) => b && Array.isArray(b.messages))
      .sort((a, b) => b.messages.length - a.messages.length)[0];
    for (const m of longest ? longest.messages : [])
      for (const b of Array.isArray(m.content) ? m.content : [])
        if (b.type === "tool_use") console.log(b.name === "Bash" ? b.input.command : `(${b.name} ${JSON.stringify(b.input)})`);' "$REQUESTS"
}

@test "claude plugin validate accepts the plugin, its manifest and the marketplace; a manifest with a bad field fails" {
  run "$CLAUDE" plugin validate "$PLUGIN_ROOT"
  assert_success
  assert_output --partial 'Validation passed'
  run "$CLAUDE" plugin validate "$PLUGIN_ROOT/.claude-plugin/marketplace.json"
  assert_success
  run "$CLAUDE" plugin validate "$PLUGIN_ROOT/.claude-plugin/plugin.json"
  assert_success
  # the marketplace lists the plugin from the repository itself; the plugin has no hooks
  plugin=$(json_field "$PLUGIN_ROOT/.claude-plugin/plugin.json" .name)
  assert_equal "$(json_field "$PLUGIN_ROOT/.claude-plugin/marketplace.json" '.plugins.map((p) => p.name + " " + p.source).join(",")')" "$plugin ./"
  assert_equal "$(json_field "$PLUGIN_ROOT/.claude-plugin/plugin.json" .hooks)" undefined
  [ ! -e "$PLUGIN_ROOT/hooks/hooks.json" ]
  # what it found in the plugin: the skill, under the plugin's name, and no hooks (a
  # report that versions before 2.1.332 here do not give)
  if "$CLAUDE" plugin validate --help | grep -q -- --json; then
    "$CLAUDE" plugin validate --json "$PLUGIN_ROOT/.claude-plugin/plugin.json" >"$BATS_TEST_TMPDIR/report.json"
    assert_equal "$(json_field "$BATS_TEST_TMPDIR/report.json" '.provides.skills.join(" ")')" "$plugin:$SKILL"
    assert_equal "$(json_field "$BATS_TEST_TMPDIR/report.json" '.provides.hooks.length')" 0
  fi

  # the check can fail: a copy with a version that is not a string, and one with a
  # marketplace entry whose source is not a path
  for case in 'plugin.json .version=1' 'marketplace.json .plugins[0].source=7'; do
    read -r file change <<<"$case"
    copy="$BATS_TEST_TMPDIR/broken-${file%.json}"
    mkdir -p "$copy"
    cp -r "$PLUGIN_ROOT/.claude-plugin" "$PLUGIN_ROOT/skills" "$copy/"
    node -e 'const [f, change] = process.argv.slice(1); const j = JSON.parse(require("fs").readFileSync(f, "utf8"));
      eval("j" + change); require("fs").writeFileSync(f, JSON.stringify(j));' "$copy/.claude-plugin/$file" "$change"
    run "$CLAUDE" plugin validate "$copy/.claude-plugin/$file"
    assert_failure
    run "$CLAUDE" plugin validate "$copy"
    assert_failure
  done
}

@test "the plugin installs from the repository's path into a private config dir, and a session is offered its skill" {
  install_plugin
  run "$CLAUDE" plugin marketplace list
  assert_success
  assert_output --partial "$marketplace"
  assert_equal "$(json_field "$BATS_TEST_TMPDIR/list.json" ".find((p) => p.id === '$plugin@$marketplace').enabled")" true
  [[ $copy == "$CLAUDE_CONFIG_DIR"/* ]]
  cmp "$copy/skills/$SKILL/SKILL.md" "$PLUGIN_ROOT/skills/$SKILL/SKILL.md"
  # nothing of the user's configuration was touched
  [ ! -e "$HOME/.claude" ]

  # a session lists the plugin's skill among those it offers the model
  run timeout 60 "$CLAUDE" -p 'Which skills do you have?' </dev/null
  assert_success
  description=$(skill_description "$PLUGIN_ROOT/skills/$SKILL/SKILL.md")
  mock_saw_skill_listed "$plugin:$SKILL" "$description"
}

# Installs the plugin from $PLUGIN_ROOT's marketplace into the private config dir; sets
# $plugin, $marketplace and $copy (where Claude Code put its copy of the plugin).
install_plugin() {
  marketplace=$(json_field "$PLUGIN_ROOT/.claude-plugin/marketplace.json" .name)
  plugin=$(json_field "$PLUGIN_ROOT/.claude-plugin/plugin.json" .name)
  "$CLAUDE" plugin marketplace add "$PLUGIN_ROOT"
  # Claude Code runs `npm ci` in its copy of a plugin whose root holds a package.json and a
  # lockfile (the repository's does): offline here, so that it fails at once and reaches
  # no registry. The install goes on without it: the skill needs no node_modules.
  npm_config_offline=true "$CLAUDE" plugin install "$plugin@$marketplace"
  "$CLAUDE" plugin list --json >"$BATS_TEST_TMPDIR/list.json"
  copy=$(json_field "$BATS_TEST_TMPDIR/list.json" ".find((p) => p.id === '$plugin@$marketplace').installPath")
}

# A Claude Code job whose mock model uses the skill listed as LISTED (SKILL_FILE: its
# text) fans out a backend, a frontend after it and a test job after both, each in its
# own worktree, under a limit of two at once, with the CLI and the flags the skill's text
# gives, and waits: they end done, in order, their prompts
# naming the notes they read. CLI...: the paths of the CLI the skill may name.
fan_out_with_skill() {
  local listed=$1 skill_file=$2
  shift 2
  # the session may load the skill (one with allowed-tools asks first) and its Bash tool
  # run the CLI without asking: no permission dialog in the way
  node -e '
    const [file, skill, ...clis] = process.argv.slice(1);
    const settings = JSON.parse(require("fs").readFileSync(file, "utf8"));
    settings.permissions.allow = [`Skill(${skill})`, ...[...new Set(clis)].map((cli) => `Bash(${cli}:*)`)];
    require("fs").writeFileSync(file, JSON.stringify(settings));' "$CLAUDE_CONFIG_DIR/settings.json" "$listed" "$@"

  # what the user asks, in words and in the lines the mock model reads (mock-api.mjs):
  # the jobs come from the prompt, how to run them from the skill's text
  prompt="Split this into jobs with the $SKILL skill and wait for them to finish.
MOCK-USE-SKILL: $SKILL
MOCK-JOB: backend worktree: Build the REST API; document it in your notes.
MOCK-JOB: frontend after backend reads backend worktree: Build the UI on that API.
MOCK-JOB: tests after frontend reads backend reads frontend worktree: Test the API and the UI together.
MOCK-AGENT: $AGENT argv"
  # the project is a git repository (each job in a worktree of its own) with a limit of
  # two jobs at once; the session itself holds one slot while it works
  git init -q -b main "$PROJECT"
  git -C "$PROJECT" -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m init
  tmux set -g @job-runner-max-parallel 2
  run "$JR" dispatch lead "$prompt" --command "$CLAUDE"
  assert_success
  PANE=$(job_field lead pane)

  WAIT_SECONDS=120 wait_until eval 'pane_shows "MOCK-SKILL-DONE" || pane_shows "MOCK-SKILL-FAILED"'
  run pane_shows MOCK-SKILL-DONE
  assert_success
  # the mock was offered the skill, loaded it, then ran what it read there: the CLI the
  # skill names, each job, then wait
  mock_saw_skill_listed "$listed" "$(skill_description "$skill_file")"
  run bash_commands_seen
  assert_line --index 0 "(Skill {\"skill\":\"$listed\"})"
  assert_line --index 1 --regexp "^[^ ]*job-runner[\"']? dispatch 'backend' .* --worktree "
  assert_line --index 2 --regexp " dispatch 'frontend' .* --after 'backend' --reads 'backend' --worktree "
  assert_line --index 3 --regexp " dispatch 'tests' .* --after 'frontend' --reads 'backend' --reads 'frontend' --worktree "
  assert_line --index 4 --regexp " wait 'backend' 'frontend' 'tests'"

  for job in backend frontend tests; do
    assert_equal "$(job_field "$job" state)" done
    # each in its own checkout, on its own branch
    assert_equal "$(job_field "$job" branch)" "job/$job"
    git -C "$PROJECT" worktree list --porcelain | grep -qx "worktree $(job_field "$job" worktree)"
  done
  # in order: each started once the one it runs after had ended
  started_after_end frontend backend
  started_after_end tests frontend
  # the prompts named the notes of the jobs they read, and only those
  grep -qF "$(workspace backend)/notes.md" "$(workspace frontend)/artifacts/argv.bin"
  grep -qF "$(workspace backend)/notes.md" "$(workspace tests)/artifacts/argv.bin"
  grep -qF "$(workspace frontend)/notes.md" "$(workspace tests)/artifacts/argv.bin"
  run grep -F "$(workspace frontend)/notes.md" "$(workspace backend)/artifacts/argv.bin"
  assert_failure
}

# Succeeds when job A started at or after job B had ended (list --json's times).
started_after_end() {
  node -e 'const [a, b] = process.argv.slice(1); process.exit(Date.parse(a) >= Date.parse(b) ? 0 : 1)' \
    "$(job_field "$1" startedAt)" "$(job_field "$2" endedAt)"
}

@test "a Claude Code session given the skill install-skill wrote dispatches a backend, a frontend after it and a test job after both, waits, and they run in order" {
  install_skill
  skill_file="$CLAUDE_CONFIG_DIR/skills/$SKILL/SKILL.md"
  [ -f "$skill_file" ]
  fan_out_with_skill "$SKILL" "$skill_file" "$JR" "$(realpath "$JR")"
}

@test "a Claude Code session given the installed plugin's skill dispatches a backend, a frontend after it and a test job after both, waits, and they run in order" {
  install_plugin
  # the skill names the CLI in the plugin's copy
  fan_out_with_skill "$plugin:$SKILL" "$copy/skills/$SKILL/SKILL.md" "$copy/scripts/job-runner"
}
