// The Node.js version check, small enough for every entry point to run first.

export const MIN_NODE_MAJOR = 20;

// Refuses a Node.js older than the bundle supports; null when it is fine.
export function checkNodeVersion(version: string): string | null {
  const major = Number(version.split('.')[0]);
  return major >= MIN_NODE_MAJOR ? null : `node ${version} is too old: job-runner needs Node.js ${MIN_NODE_MAJOR} or newer`;
}
