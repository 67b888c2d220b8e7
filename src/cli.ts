// Entry point of dist/cli.cjs, run by scripts/job-runner.
import { processIO } from './commands/io.js';
import { receivePrefetch } from './core/server-query.js';
import { main } from './main.js';

receivePrefetch();
void main(process.argv.slice(2), processIO()).then((code) => {
  process.exitCode = code;
});
