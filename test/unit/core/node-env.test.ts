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
});
