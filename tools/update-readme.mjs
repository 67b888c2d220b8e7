// Rewrites the README's options table from the typed table in src/core/options.ts
// (a unit test fails when they differ). Run: npm run docs
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';

const bundle = await build({ entryPoints: ['src/core/options.ts'], bundle: true, format: 'esm', platform: 'node', write: false });
const { optionsMarkdownTable } = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
const readme = readFileSync('README.md', 'utf8');
const updated = readme.replace(
  /(<!-- options-table:start -->\n)[\s\S]*?(\n<!-- options-table:end -->)/,
  (_, start, end) => `${start}${optionsMarkdownTable()}${end}`,
);
writeFileSync('README.md', updated);
