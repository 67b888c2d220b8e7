import { describe, expect, it } from 'vitest';
import { checkNodeVersion } from '../../../src/core/node-version.js';

describe('checkNodeVersion', () => {
  it.each([['18.0.0', null], ['20.20.2', null], ['24.1.0', null]])('accepts %s', (version, problem) => {
    expect(checkNodeVersion(version)).toBe(problem);
  });

  it.each(['16.20.2', '14.0.0', '17.9.1'])('refuses %s with what to install', (version) => {
    expect(checkNodeVersion(version)).toBe(`node ${version} is too old: job-runner needs Node.js 18 or newer`);
  });
});
