// install-skill: writes the Claude Code skill into the user's skills folder, with this
// checkout's CLI by its absolute path, for a Claude Code without the plugin.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { defineVerb, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { RuntimeError } from '../core/errors.js';
import { fileErrorInWords } from '../core/file-errors.js';
import { installedSkillText, SKILL_SOURCE, userSkillPath } from '../core/skill.js';
import { writeFileAtomically } from '../core/store.js';
import { PACKAGE_ROOT } from '../core/wrapper-args.js';
import type { CommandIO } from './io.js';

export const installSkillSpec = {
  name: 'install-skill',
  summary:
    "Writes the Claude Code skill (split work into jobs, wait for them, read their notes) to\n" +
    '~/.claude/skills/tmux-job-runner/SKILL.md ($CLAUDE_CONFIG_DIR/skills/... when set), naming\n' +
    'this CLI by its absolute path, and prints that path. A file there that differs is kept unless --force.',
  options: {
    force: { type: 'boolean', short: 'f', help: 'replace a SKILL.md there that differs (edited, or from another checkout)' },
    help: HELP_OPTION,
  },
  positionals: [],
} as const satisfies VerbSpec;

export function runInstallSkill(options: OptionsOf<typeof installSkillSpec>, _positionals: PositionalsOf<typeof installSkillSpec>, io: CommandIO): number {
  const source = join(PACKAGE_ROOT, SKILL_SOURCE);
  let text: string;
  try {
    text = installedSkillText(readFileSync(source, 'utf8'), PACKAGE_ROOT);
  } catch (error) {
    throw new RuntimeError(`install-skill: cannot read ${source}: ${fileErrorInWords(error)}; is this checkout whole?`);
  }
  const target = userSkillPath(io.env, io.env.HOME || homedir(), io.cwd);
  const existing = readExisting(target);
  if (existing !== null && existing !== text && !options.force) {
    throw new RuntimeError(`install-skill: ${target} differs from the skill this checkout writes (edited, or another version's); keep it, or replace it with --force`);
  }
  try {
    mkdirSync(dirname(target), { recursive: true });
    // temp file and rename in the skill's folder: Claude Code, which watches it, reads a whole file
    writeFileAtomically(target, text);
  } catch (error) {
    throw new RuntimeError(`install-skill: cannot write ${target}: ${fileErrorInWords(error)}`);
  }
  io.out(`${target}\n`);
  return 0;
}

// The text of the SKILL.md there, or null when there is none.
function readExisting(target: string): string | null {
  try {
    if (!statSync(target).isFile()) throw new RuntimeError(`install-skill: ${target} is not a file; move it away, then try again`);
    return readFileSync(target, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (error instanceof RuntimeError) throw error;
    throw new RuntimeError(`install-skill: cannot read ${target}: ${fileErrorInWords(error)}`);
  }
}

export const verb = defineVerb(installSkillSpec, runInstallSkill);
