// The README documents every environment variable the package reads, and names the two commands.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(pkg, 'README.md'), 'utf8');

it('documents every OTEL_* / GENAI_METER_* variable read in src/', () => {
  const names = new Set<string>();
  for (const file of readdirSync(join(pkg, 'src'), { recursive: true }) as string[]) {
    if (!statSync(join(pkg, 'src', file)).isFile()) continue;
    const text = readFileSync(join(pkg, 'src', file), 'utf8');
    for (const m of text.matchAll(/'((?:OTEL|GENAI_METER)_[A-Z_]+)'/g)) names.add(m[1]!);
  }
  expect(names.size).toBeGreaterThan(15);
  expect([...names].filter((n) => !readme.includes(`\`${n}\``))).toEqual([]);
});

it('shows both commands', () => {
  expect(readme).toContain('node --require @genai-meter/node/register');
  expect(readme).toContain('node --import  @genai-meter/node/register');
});
