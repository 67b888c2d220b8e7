// usage: node page.mjs CAPTURE HTML COLUMNS ROWS
// The captured screen (capture-pane -e -p) -> an HTML page; prints its size, "WIDTH,HEIGHT",
// for chromium's --window-size.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';

const [capture, html, columns, rows] = process.argv.slice(2);
const bundle = await build({ entryPoints: [new URL('ansi-html.ts', import.meta.url).pathname], bundle: true, format: 'esm', platform: 'node', write: false });
const { pageSize, screenToHtml } = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
const page = { columns: Number(columns), rows: Number(rows), fontPx: 16, linePx: 19, paddingPx: 12 };
writeFileSync(html, screenToHtml(readFileSync(capture, 'utf8'), page));
const { width, height } = pageSize(page);
console.log(`${width},${height}`);
