import { describe, expect, it } from 'vitest';
import { currentSocketPath, parseTmuxVersion, recountCommand, tmuxArgument, tmuxLiteral } from '../../../src/core/tmux.js';

describe('parseTmuxVersion', () => {
  it.each([
    ['tmux 3.3a', [3, 3]], ['tmux 3.2', [3, 2]], ['tmux 3.1c', [3, 1]], ['tmux next-3.4', [3, 4]], ['tmux 2.9a', [2, 9]],
    ['tmux master', [Number.MAX_SAFE_INTEGER, 0]], ['something else', null],
  ])('%s', (output, version) => {
    expect(parseTmuxVersion(output)).toEqual(version);
  });
});

describe('currentSocketPath', () => {
  it('takes the socket from $TMUX inside tmux', () => {
    expect(currentSocketPath({ TMUX: '/tmp/tmux-1000/work,123,0' })).toBe('/tmp/tmux-1000/work');
  });

  it('uses $TMUX_TMPDIR/tmux-UID/default outside tmux', () => {
    expect(currentSocketPath({ TMUX_TMPDIR: '/nonexistent-dir' })).toBe(`/nonexistent-dir/tmux-${process.getuid!()}/default`);
  });
});

describe('tmuxLiteral', () => {
  it.each([
    ['/home/me/project', '/home/me/project'],
    ['/p#S', '/p##S'],
    ['/proj#(touch PWNED)', '/proj##(touch PWNED)'],
    ['/ends;', '/ends\\;'],
  ])('%j -> %j', (text, literal) => {
    expect(tmuxLiteral(text)).toBe(literal);
  });
});

describe('tmuxArgument', () => {
  it.each([
    ['yes', 'yes'],
    ['#{pane_id}', '#{pane_id}'],
    ['echo hi;', 'echo hi\\;'],
    [';', '\\;'],
    ['a\\;', 'a\\\\;'],
    ['a; b', 'a; b'],
  ])('%j -> %j', (text, argument) => {
    expect(tmuxArgument(text)).toBe(argument);
  });
});

describe('recountCommand', () => {
  it.each([
    ['/p/scripts/recount.conf', [], ['source-file', '/p/scripts/recount.conf']],
    // source-file expands glob patterns: a plugin folder holding them is escaped
    ['/p[1]/a*b?c\\d/recount.conf', [], ['source-file', '/p\\[1\\]/a\\*b\\?c\\\\d/recount.conf']],
    ['/p/r.conf', ['@3'], [
      'set-option', '-wu', '-t', '@3', '@job-runner-state', ';', 'set-option', '-wu', '-t', '@3', '@job-runner-activity', ';',
      'set-option', '-wu', '-t', '@3', '@job-runner-activity-since', ';', 'set-option', '-wu', '-t', '@3', '@job-runner-waiting-for', ';',
      'set-option', '-wu', '-t', '@3', '@job-runner-waiting-detail', ';', 'source-file', '/p/r.conf',
    ]],
  ])('%s with retired windows %j', (file, windows, command) => expect(recountCommand(file, windows)).toEqual(command));
});
