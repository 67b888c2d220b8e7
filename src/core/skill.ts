// The Claude Code skill this repository ships (skills/tmux-job-runner/SKILL.md) as
// install-skill writes it for a Claude Code without plugins: pure, no file system.
import { isAbsolute, join, resolve } from 'node:path';
import { shellQuote } from './format.js';

export const SKILL_NAME = 'tmux-job-runner';

// Where the skill lies in this checkout, relative to its root.
export const SKILL_SOURCE = join('skills', SKILL_NAME, 'SKILL.md');

// Claude Code's personal skills folder holds one folder per skill, under its
// configuration folder: CLAUDE_CONFIG_DIR when set, else ~/.claude.
export function userSkillPath(env: NodeJS.ProcessEnv, home: string, cwd: string): string {
  const configDir = env.CLAUDE_CONFIG_DIR ? resolve(cwd, env.CLAUDE_CONFIG_DIR) : join(home, '.claude');
  return join(configDir, 'skills', SKILL_NAME, 'SKILL.md');
}

// A command word `job-runner`: at the start of a line, or after a pipe, a list
// operator or an opening parenthesis (a `$(...)`).
const CLI_WORD = /(^|[|;&(]\s*)job-runner(?=\s|$)/gm;

// The skill with this checkout's CLI in it: in the ```sh examples each command word
// `job-runner` becomes the CLI's absolute path (a plugin's skill finds it under
// ${CLAUDE_PLUGIN_ROOT}, which Claude Code fills in only for plugins), and
// ${CLAUDE_PLUGIN_ROOT} elsewhere (the prose, allowed-tools) becomes the checkout's root.
export function installedSkillText(source: string, packageRoot: string): string {
  if (!isAbsolute(packageRoot)) throw new Error(`the package root must be absolute, not ${packageRoot}`);
  const cli = shellQuote(join(packageRoot, 'scripts', 'job-runner'));
  let fence: string | null = null;
  let inShell = false;
  const lines = source.split('\n').map((line) => {
    if (fence === null) {
      const opening = /^(`{3,})\s*(\S*)/.exec(line);
      if (opening) {
        fence = opening[1]!;
        inShell = opening[2] === 'sh';
      }
      return line;
    }
    if (line.trimEnd() === fence) {
      fence = null;
      inShell = false;
      return line;
    }
    return inShell && !/^\s*#/.test(line) ? line.replace(CLI_WORD, (_match, before: string) => `${before}${cli}`) : line;
  });
  return lines.join('\n').replaceAll('${CLAUDE_PLUGIN_ROOT}', () => packageRoot);
}
