#!/usr/bin/env node
// The `genai-meter-price` command. A committed file, not the build output, so that `npm install`
// links the command on a fresh clone (npm skips bins whose file does not exist yet).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('genai-meter-price: @genai-meter/pricing is not built yet: run `npm run build` at the repository root\n');
  process.exit(1);
}
await import(cli.href);
