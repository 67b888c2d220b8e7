// Entry point of dist/cli.cjs, run by scripts/job-runner.
import { processIO } from './commands/io.js';
import { main } from './main.js';

// a reader that closed the pipe early (job-runner log NAME | head) is not an error
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

void main(process.argv.slice(2), processIO()).then((code) => {
  process.exitCode = code;
});
