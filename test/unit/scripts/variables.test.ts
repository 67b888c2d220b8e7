// scripts/variables.sh is the shell side of the typed options table: keep them equal.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../../src/core/options.js';

const scripts = join(__dirname, '..', '..', '..', 'scripts');
const variables = readFileSync(join(scripts, 'variables.sh'), 'utf8');
const activity = readFileSync(join(scripts, 'activity.sh'), 'utf8');

function shellValue(name: string, script = variables): string | undefined {
  return new RegExp(`^${name}="([^"]*)"$`, 'm').exec(script)?.[1];
}

describe('scripts/variables.sh', () => {
  it.each([
    ['dispatch_key', OPTIONS.dispatchKey],
    ['picker_key', OPTIONS.pickerKey],
    ['next_key', OPTIONS.nextKey],
    ['popup_width', OPTIONS.popupWidth],
    ['popup_height', OPTIONS.popupHeight],
    ['bin_dir', OPTIONS.binDir],
  ])('%s has the option name and default of the typed table', (prefix, option) => {
    expect(shellValue(`${prefix}_option`)).toBe(option.tmuxName);
    expect(shellValue(`default_${prefix}`)).toBe(option.default);
  });
});

describe('scripts/activity.sh', () => {
  it.each([
    ['notify', OPTIONS.notify],
    ['notify_bell', OPTIONS.notifyBell],
    ['notify_message', OPTIONS.notifyMessage],
  ])('the default of %s is the typed table\'s, and it asks tmux for that option', (name, option) => {
    expect(shellValue(`default_${name}`, activity)).toBe(option.default);
    expect(activity).toContain(`#{${option.tmuxName}}`);
  });
});
