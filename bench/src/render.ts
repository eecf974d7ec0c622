// Re-renders a saved result: node --import tsx bench/src/render.ts bench/results/latest.json [> out.md]
import { readFileSync, writeFileSync } from 'node:fs';
import { renderMarkdown, type Results } from './report.js';

const file = process.argv[2] ?? new URL('../results/latest.json', import.meta.url).pathname;
const md = renderMarkdown(JSON.parse(readFileSync(file, 'utf8')) as Results);
if (process.argv.includes('--write')) writeFileSync(file.replace(/\.json$/, '.md'), md);
process.stdout.write(md);
