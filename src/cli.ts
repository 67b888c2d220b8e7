// Entry point of dist/cli.cjs, run by scripts/job-runner.
// first: the environment as the caller had it, before any module reads it
import './core/node-env.js';
import { processIO } from './commands/io.js';
import { receivePrefetch } from './core/server-query.js';
import { main } from './main.js';

receivePrefetch();
// Exits as soon as the command is done: output is written synchronously, nothing runs
// in the background, and a natural exit would first tear the heap down (tens of ms
// here after listing 10,000 jobs).
void main(process.argv.slice(2), processIO()).then((code) => process.exit(code));
