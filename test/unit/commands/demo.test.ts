import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliAsTyped } from '../../../src/commands/demo.js';

// a plugin folder, a PATH folder linking to its CLI, one holding another job-runner
const base = mkdtempSync(join(tmpdir(), 'jr-demo-'));
const plugin = join(base, 'plugin dir');
const cli = join(plugin, 'scripts', 'job-runner');
const linked = join(base, 'linked');
const other = join(base, 'other');
for (const dir of [join(plugin, 'scripts'), linked, other]) mkdirSync(dir, { recursive: true });
writeFileSync(cli, '#!/bin/sh\n');
writeFileSync(join(other, 'job-runner'), '#!/bin/sh\n');
for (const file of [cli, join(other, 'job-runner')]) chmodSync(file, 0o755);
symlinkSync(cli, join(linked, 'job-runner'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('cliAsTyped', () => {
  it.each([
    ['from the plugin folder', plugin, '/usr/bin', 'scripts/job-runner'],
    ['from its scripts folder', join(plugin, 'scripts'), '/usr/bin', './job-runner'],
    ['from a folder above it', base, '/usr/bin', "'plugin dir/scripts/job-runner'"],
    ['from a folder beside it', other, '/usr/bin', `'${cli}'`],
    ['with a link to it on PATH', base, `/usr/bin:${linked}`, 'job-runner'],
    ['with another job-runner first on PATH', other, `${other}:${linked}`, `'${cli}'`],
    ['with an empty PATH entry, in its scripts folder', join(plugin, 'scripts'), ':/usr/bin', 'job-runner'],
  ])('%s', (_what, cwd, path, typed) => {
    expect(cliAsTyped(cli, cwd, path)).toBe(typed);
  });
});
