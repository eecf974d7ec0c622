// Regenerates the README's coverage section from the catalog (`genai-meter-price --list --markdown`).
// The CLI test fails while the two differ. Run after `npm run build`: npm run coverage -w @genai-meter/pricing
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const readmeUrl = new URL('../README.md', import.meta.url);
const table = execFileSync(process.execPath, [new URL('../dist/cli.js', import.meta.url).pathname, '--list', '--markdown'], {
  encoding: 'utf8',
  env: { ...process.env, GENAI_METER_PRICING_FILE: '' },
});
const readme = readFileSync(readmeUrl, 'utf8');
const markers = /(<!-- coverage:start -->\n)[\s\S]*(<!-- coverage:end -->)/;
if (!markers.test(readme)) throw new Error('README.md has no <!-- coverage:start --> ... <!-- coverage:end --> section');
writeFileSync(readmeUrl, readme.replace(markers, (_, start, end) => `${start}${table}${end}`));
console.log('README.md coverage section regenerated');
