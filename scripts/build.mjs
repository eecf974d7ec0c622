// Builds every workspace package: ESM (.js) and CommonJS (.cjs) bundles of each entry point with
// dependencies left external and JSON data inlined, plus .d.ts declarations from tsc.
// Entry points come from the package's "genaiMeter.entries" (default: src/index.ts).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, existsSync, chmodSync } from 'node:fs';
import { join, basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const order = ['pricing', 'simulator', 'instrumentation-openai', 'node', 'mixin'];
const only = process.argv.slice(2);

for (const name of order) {
  if (only.length && !only.includes(name)) continue;
  const dir = join(root, 'packages', name);
  if (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'src'))) continue;
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entries = pkg.genaiMeter?.entries ?? ['src/index.ts'];
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  const common = {
    absWorkingDir: dir,
    entryPoints: entries,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node22',
    sourcemap: true,
    outdir: 'dist',
    logLevel: 'warning',
  };
  await build({ ...common, format: 'esm', outExtension: { '.js': '.js' } });
  await build({
    ...common,
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    // import.meta.url has no CommonJS meaning; give it the file's own URL.
    define: { 'import.meta.url': '__genaiMeterImportMetaUrl' },
    banner: { js: "const __genaiMeterImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json', '--emitDeclarationOnly', '--outDir', 'dist/types'], { cwd: dir, stdio: 'inherit' });
  for (const bin of Object.values(pkg.bin ?? {})) {
    if (existsSync(join(dir, bin))) chmodSync(join(dir, bin), 0o755);
  }
  console.log(`built ${name}: ${entries.map((e) => basename(e, '.ts')).join(', ')}`);
}
