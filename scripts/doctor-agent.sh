#!/bin/sh
# doctor's stand-in for Claude Code, the agent of its live hook check (job-runner doctor
# dispatches it in a private folder and removes it after).
# usage: doctor-agent.sh NODE [--settings FILE] [other flags...] PROMPT
# Once a line comes on its terminal (doctor types it when it is ready to watch), it does
# what Claude Code does at a session's start and first permission dialog: it runs the
# SessionStart, UserPromptSubmit, PreToolUse and PermissionRequest hooks of the --settings
# file whose matchers match, each through sh -c with one line of JSON on stdin, and skips
# them all when the user's settings say disableAllHooks. Then it waits until it is ended.
node=$1
shift
exec "$node" -e '
const { spawnSync } = require("node:child_process");
const { readFileSync, readSync } = require("node:fs");
const { join } = require("node:path");
const args = process.argv.slice(1);
const at = args.indexOf("--settings");
const readJson = (file) => { try { return JSON.parse(readFileSync(file, "utf8")); } catch { return null; } };
const settings = at === -1 ? null : readJson(args[at + 1]);
const configDir = process.env.CLAUDE_CONFIG_DIR || join(process.env.HOME || "/", ".claude");
const off = readJson(join(configDir, "settings.json"))?.disableAllHooks === true;
// a line from the terminal: false at its end
const waitForLine = () => {
  const byte = Buffer.alloc(1);
  for (;;) {
    let n = 0;
    try { n = readSync(0, byte, 0, 1, null); } catch { return false; }
    if (n === 0) return false;
    if (byte[0] === 10 || byte[0] === 13) return true;
  }
};
// Claude Code matcher rule: none, "" or "*" match all; words and | list exact names; else a regex
const matches = (matcher, value) => {
  if (matcher === undefined || matcher === "" || matcher === "*") return true;
  if (/^[A-Za-z0-9_|]+$/.test(matcher)) return matcher.split("|").includes(value);
  return new RegExp(matcher).test(value ?? "");
};
const sessionId = args[args.indexOf("--session-id") + 1] || "00000000-0000-4000-8000-000000000000";
const fire = (event, matched, fields) => {
  const payload = JSON.stringify({ session_id: sessionId, transcript_path: "", cwd: process.cwd(), permission_mode: "default", ...fields, hook_event_name: event });
  for (const group of (settings?.hooks ?? {})[event] ?? []) {
    if (!matches(group.matcher, matched)) continue;
    for (const hook of group.hooks ?? []) spawnSync("/bin/sh", ["-c", hook.command], { input: `${payload}\n`, stdio: ["pipe", "inherit", "inherit"] });
  }
};
process.stdout.write("job-runner doctor: a stand-in for Claude Code; its hooks fire at the next line\n");
waitForLine();
if (settings === null) process.stdout.write("no --settings file: no hooks to run\n");
else if (off) process.stdout.write("disableAllHooks in the user settings: no hooks run\n");
else {
  const bash = { tool_name: "Bash", tool_input: { command: "true", description: "doctor" }, tool_use_id: "toolu_doctor" };
  fire("SessionStart", "startup", { source: "startup", model: "doctor" });
  fire("UserPromptSubmit", undefined, { prompt: args[args.length - 1] ?? "" });
  fire("PreToolUse", "Bash", bash);
  fire("PermissionRequest", "Bash", bash);
  process.stdout.write("hooks fired: waiting for permission\n");
}
while (waitForLine());
' -- "$@"
