// Imported first by every entry point: puts back the NODE_EXTRA_CA_CERTS that the shims
// keep from node's start (scripts/node-env.sh), before anything reads the environment,
// so that whatever job-runner starts (an agent, a shell) gets it exactly as it was.
const SAVED = 'JOB_RUNNER_NODE_EXTRA_CA_CERTS';

export function restoreNodeEnv(env: NodeJS.ProcessEnv = process.env): void {
  const saved = env[SAVED];
  if (saved === undefined) return;
  env.NODE_EXTRA_CA_CERTS = saved;
  delete env[SAVED];
}

restoreNodeEnv();
