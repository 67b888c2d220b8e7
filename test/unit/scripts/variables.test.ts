// scripts/variables.sh is the shell side of the typed options table: keep them equal.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../../src/core/options.js';

const variables = readFileSync(join(__dirname, '..', '..', '..', 'scripts', 'variables.sh'), 'utf8');

function shellValue(name: string): string | undefined {
  return new RegExp(`^${name}="([^"]*)"$`, 'm').exec(variables)?.[1];
}

describe('scripts/variables.sh', () => {
  it.each([
    ['dispatch_key', OPTIONS.dispatchKey],
    ['picker_key', OPTIONS.pickerKey],
    ['next_key', OPTIONS.nextKey],
    ['popup_width', OPTIONS.popupWidth],
    ['popup_height', OPTIONS.popupHeight],
  ])('%s has the option name and default of the typed table', (prefix, option) => {
    expect(shellValue(`${prefix}_option`)).toBe(option.tmuxName);
    expect(shellValue(`default_${prefix}`)).toBe(option.default);
  });
});
