// Writes every generated file under the repository root (or the directory given as argument):
//   bash scripts/with-node.sh node packages/mixin/dist/generate.js [outDir]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFiles } from './files.js';

// dist/generate.js and src/generate.ts both sit two levels below the repository root's packages/.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const outDir = resolve(process.argv[2] ?? repoRoot);

for (const [path, content] of Object.entries(generateFiles())) {
  const target = join(outDir, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
  console.log(`wrote ${path}`);
}
