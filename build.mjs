// Bundles src/ into dist/ (committed: TPM installs from a plain git clone, with no npm step).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: { cli: 'src/cli.ts', popup: 'src/popup.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // old enough syntax that node < 18 reaches our own version check instead of a parse error
  target: 'node14',
  minify: true,
  legalComments: 'none',
  define: { VERSION: JSON.stringify(version) },
  logLevel: 'warning',
});
