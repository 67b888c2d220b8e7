// What the popups learn about where they were opened, and small terminal helpers.
import { readFileSync } from 'node:fs';
import { currentSocketPath, describeCallingPane } from '../core/tmux.js';

// The pane the user was in when they pressed the key, and its client and session.
export type PopupTarget = {
  cwd: string;
  panePid: number;
  client: string;
  session: string;
  // the window the client was looking at
  window: string;
};

// Asks tmux where the popup was opened: display-popup expands no formats in its
// command, but a tmux command run inside the popup resolves to the client's pane.
export function readPopupTarget(): PopupTarget {
  const pane = describeCallingPane(currentSocketPath());
  return { cwd: process.cwd(), panePid: pane.panePid, client: pane.client, session: pane.sessionId, window: pane.windowId };
}

// The environment of the pane's shell (as it started: what Linux exposes of it),
// else the popup's own, which is the tmux server's.
export function paneEnvironment(panePid: number): NodeJS.ProcessEnv {
  try {
    const entries = readFileSync(`/proc/${panePid}/environ`, 'utf8').split('\0').filter(Boolean);
    const env: NodeJS.ProcessEnv = {};
    for (const entry of entries) {
      const eq = entry.indexOf('=');
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    // the popup knows the server; the pane's TMUX may be stale after a server restart
    return { ...env, TMUX: process.env.TMUX };
  } catch {
    return process.env;
  }
}

// Resolves on the next key press.
export function waitForKey(): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdin.isTTY) process.stdin.setRawMode(true);
    process.stdin.resume();
    process.stdin.once('data', () => {
      if (process.stdin.isTTY) process.stdin.setRawMode(false);
      process.stdin.pause();
      resolve();
    });
  });
}
