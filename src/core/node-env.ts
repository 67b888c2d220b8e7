// Imported first by every entry point: puts back the NODE_EXTRA_CA_CERTS that the shims
// keep from node's start (scripts/node-env.sh), and takes out the NODE_COMPILE_CACHE they
// gave it, before anything reads the environment, so that whatever job-runner starts (an
// agent, a shell) gets the environment exactly as it was.
const SAVED = 'JOB_RUNNER_NODE_EXTRA_CA_CERTS';
const OUR_COMPILE_CACHE = 'JOB_RUNNER_NODE_COMPILE_CACHE';

export function restoreNodeEnv(env: NodeJS.ProcessEnv = process.env): void {
  if (env[OUR_COMPILE_CACHE] !== undefined) {
    delete env.NODE_COMPILE_CACHE;
    delete env[OUR_COMPILE_CACHE];
  }
  const saved = env[SAVED];
  if (saved === undefined) return;
  env.NODE_EXTRA_CA_CERTS = saved;
  delete env[SAVED];
}

restoreNodeEnv();
