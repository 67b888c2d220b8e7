// Entry point of dist/cli.cjs, run by scripts/job-runner.
import { processIO } from './commands/io.js';
import { main } from './main.js';

void main(process.argv.slice(2), processIO()).then((code) => {
  process.exitCode = code;
});
