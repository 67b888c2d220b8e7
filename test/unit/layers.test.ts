import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The layers of src/: commands/*.ts are thin adapters of argv and output over core (they
// share only io.ts), and the popups in ui/ call core and their own modules, never a verb.
const SRC = join(__dirname, '../../src');

function importsOf(folder: string): [string, string][] {
  return readdirSync(join(SRC, folder))
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => {
      const text = readFileSync(join(SRC, folder, file), 'utf8');
      const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((match) => match[1]!);
      const required = [...text.matchAll(/require\(['"](\.[^'"]+)['"]\)/g)].map((match) => match[1]!);
      return [...specifiers, ...required].filter((specifier) => specifier.startsWith('.')).map((specifier): [string, string] => [file, specifier]);
    });
}

describe('layers', () => {
  it('commands/ imports from commands/ only io.ts', () => {
    const crossing = importsOf('commands').filter(([, specifier]) => specifier.startsWith('./') && specifier !== './io.js');
    expect(crossing).toEqual([]);
  });

  it('ui/ imports only core and its own modules', () => {
    const crossing = importsOf('ui').filter(([, specifier]) => !specifier.startsWith('../core/') && !specifier.startsWith('./'));
    expect(crossing).toEqual([]);
  });

  it('core/ imports nothing from commands/ or ui/', () => {
    const crossing = importsOf('core').filter(([, specifier]) => !specifier.startsWith('./'));
    expect(crossing).toEqual([]);
  });
});
