// Entry point of dist/popup.cjs, run inside tmux display-popup by the plugin's bindings:
//   popup.cjs dispatch|picker   (started in the pane's current directory)
// first: the environment as the caller had it, before any module reads it
import './core/node-env.js';
import { checkNodeVersion } from './core/node-version.js';
import { receivePrefetch } from './core/server-query.js';
import { waitForKey } from './ui/popup-io.js';

async function main([which]: string[]): Promise<number> {
  try {
    const nodeProblem = checkNodeVersion(process.versions.node);
    if (nodeProblem) throw new Error(nodeProblem);
    // each helper is loaded only when used: the picker does not pay for the form's prompts library
    if (which === 'dispatch') return await (require('./ui/dispatch-form.js') as typeof import('./ui/dispatch-form.js')).runDispatchForm(process.cwd());
    if (which === 'picker') return await (require('./ui/picker.js') as typeof import('./ui/picker.js')).runPicker(process.cwd());
    throw new Error(`unknown popup ${JSON.stringify(which)}: dispatch or picker`);
  } catch (error) {
    process.stdout.write(`\njob-runner: ${(error as Error).message}\npress any key to close\n`);
    await waitForKey();
    return 1;
  }
}

receivePrefetch();
void main(process.argv.slice(2)).then((code) => process.exit(code));
