import { describe, expect, it } from 'vitest';
import { checkNodeVersion } from '../../../src/core/node-version.js';

describe('checkNodeVersion', () => {
  it.each(['20.0.0', '20.20.2', '22.23.3', '24.21.0'])('accepts %s', (version) => {
    expect(checkNodeVersion(version)).toBe(null);
  });

  it.each(['18.20.8', '19.9.0', '16.20.2', '14.0.0'])('refuses %s with what to install', (version) => {
    expect(checkNodeVersion(version)).toBe(`node ${version} is too old: job-runner needs Node.js 20 or newer`);
  });
});
