// The verbs of the CLI. Each verb's module is loaded only when that verb runs (esbuild
// keeps a required module lazy): a command pays at start for its own code and node
// modules, not for every verb's. build.mjs also reads this table: scripts/job-runner
// prefetches the server query for every verb listed in --help (dist/verbs.sh).
import type { Verb as VerbOf } from './core/args.js';
import type { CommandIO } from './commands/io.js';

export type Verb = VerbOf<CommandIO>;

export type VerbEntry = {
  load: () => Verb;
  // internal: run by the wrapper and the plugin, not listed in --help, and not given
  // the prefetched server query (each asks another server than the caller's)
  hidden?: true;
};

export const VERBS: Record<string, VerbEntry> = {
  dispatch: { load: () => (require('./commands/dispatch.js') as typeof import('./commands/dispatch.js')).verb },
  list: { load: () => (require('./commands/list.js') as typeof import('./commands/list.js')).verb },
  show: { load: () => (require('./commands/show.js') as typeof import('./commands/show.js')).verb },
  log: { load: () => (require('./commands/log.js') as typeof import('./commands/log.js')).verb },
  notes: { load: () => (require('./commands/notes.js') as typeof import('./commands/notes.js')).verb },
  attach: { load: () => (require('./commands/attach.js') as typeof import('./commands/attach.js')).verb },
  send: { load: () => (require('./commands/send.js') as typeof import('./commands/send.js')).verb },
  wait: { load: () => (require('./commands/wait.js') as typeof import('./commands/wait.js')).verb },
  rerun: { load: () => (require('./commands/rerun.js') as typeof import('./commands/rerun.js')).verb },
  resume: { load: () => (require('./commands/resume.js') as typeof import('./commands/resume.js')).verb },
  kill: { load: () => (require('./commands/kill.js') as typeof import('./commands/kill.js')).verb },
  rm: { load: () => (require('./commands/rm.js') as typeof import('./commands/rm.js')).verb },
  clean: { load: () => (require('./commands/clean.js') as typeof import('./commands/clean.js')).verb },
  demo: { load: () => (require('./commands/demo.js') as typeof import('./commands/demo.js')).verb },
  doctor: { load: () => (require('./commands/doctor.js') as typeof import('./commands/doctor.js')).verb },
  'install-skill': { load: () => (require('./commands/install-skill.js') as typeof import('./commands/install-skill.js')).verb },
  // the wrapper runs it on the job's server, named by its workspace
  _finish: { load: () => (require('./commands/finish.js') as typeof import('./commands/finish.js')).verb, hidden: true },
  // a Claude job's Stop hook starts it in the background, named by its workspace
  _turn: { load: () => (require('./commands/turn.js') as typeof import('./commands/turn.js')).verb, hidden: true },
  // activity.sh starts it in the background on the job's server, named by its workspace
  _schedule: { load: () => (require('./commands/schedule.js') as typeof import('./commands/schedule.js')).verb, hidden: true },
  // given --socket, it asks another server than the caller's
};

// The shell side's test of whether a verb gets the prefetch (written to dist/verbs.sh):
// a public verb's first question is the server query on the caller's tmux server, so the
// shim starts it alongside node (scripts/prefetch.sh).
export function shellDefinitions(): string {
  const verbs = Object.keys(VERBS).filter((name) => !VERBS[name]!.hidden);
  return `prefetches_server_query() {\n  case \${1-} in\n    ${verbs.join(' | ')}) return 0 ;;\n  esac\n  return 1\n}\n`;
}
