import { describe, expect, it } from 'vitest';
import { restoreNodeEnv } from '../../../src/core/node-env.js';

describe('restoreNodeEnv', () => {
  it('puts back the NODE_EXTRA_CA_CERTS the shim kept from node, under its own name, and drops the copy', () => {
    const env: NodeJS.ProcessEnv = { JOB_RUNNER_NODE_EXTRA_CA_CERTS: '/etc/corp ca.pem', PATH: '/bin' };
    restoreNodeEnv(env);
    expect(env).toEqual({ NODE_EXTRA_CA_CERTS: '/etc/corp ca.pem', PATH: '/bin' });
  });

  it('keeps an empty value (set and empty is not unset)', () => {
    const env: NodeJS.ProcessEnv = { JOB_RUNNER_NODE_EXTRA_CA_CERTS: '' };
    restoreNodeEnv(env);
    expect(env).toEqual({ NODE_EXTRA_CA_CERTS: '' });
  });

  it('leaves an environment without the copy as it is', () => {
    const env: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: '/a.pem' };
    restoreNodeEnv(env);
    expect(env).toEqual({ NODE_EXTRA_CA_CERTS: '/a.pem' });
  });

  it('takes out the NODE_COMPILE_CACHE the shim gave node, and leaves one the user set', () => {
    const ours: NodeJS.ProcessEnv = { NODE_COMPILE_CACHE: '/home/u/.cache/tmux-job-runner/node-compile-cache', JOB_RUNNER_NODE_COMPILE_CACHE: '1', PATH: '/bin' };
    restoreNodeEnv(ours);
    expect(ours).toEqual({ PATH: '/bin' });
    const theirs: NodeJS.ProcessEnv = { NODE_COMPILE_CACHE: '/their/cache' };
    restoreNodeEnv(theirs);
    expect(theirs).toEqual({ NODE_COMPILE_CACHE: '/their/cache' });
  });
});
