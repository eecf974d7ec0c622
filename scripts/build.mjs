// Builds every workspace package: ESM (.js) and CommonJS (.cjs) bundles of each entry point with
// dependencies left external and JSON data inlined, plus .d.ts declarations from tsc.
// Entry points come from the package's "genaiMeter.entries" (default: src/index.ts).
//
// A package with "genaiMeter.bundle" (@genai-meter/node) is built differently, for start-up time: its first
// entry becomes one CommonJS file with its dependencies inlined (except `bundle.external`), the other entries
// are CommonJS files of their own whose imports of the first entry load that file (@genai-meter/node's
// register entry imports none and loads it when an SDK does), and each .js is an ES module re-exporting its .cjs. Node
// then reads a handful of files instead of a few hundred, and CommonJS and ES module users share one copy.
// Such a package is rebuilt whenever a workspace package it inlines is. `bundle.dedupe` and `bundle.alias`
// are described where they are applied.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, existsSync, chmodSync, writeFileSync } from 'node:fs';
import { join, basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const order = ['pricing', 'simulator', 'instrumentation-core', 'instrumentation-openai', 'instrumentation-anthropic', 'instrumentation-ai', 'instrumentation-google-genai', 'node', 'mixin'];
const readPackage = (name) => {
  const file = join(root, 'packages', name, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
};

/** Workspace packages that `name` inlines into its bundle: its @genai-meter/* dependencies, transitively, but those left external. */
function inlinedWorkspacePackages(name) {
  const pkg = readPackage(name);
  if (!pkg?.genaiMeter?.bundle) return [];
  const external = new Set(pkg.genaiMeter.bundle.external ?? []);
  const inlined = new Set();
  const visit = (deps) => {
    for (const d of Object.keys(deps ?? {})) {
      if (!d.startsWith('@genai-meter/') || external.has(d) || inlined.has(d)) continue;
      inlined.add(d);
      visit(readPackage(d.slice('@genai-meter/'.length))?.dependencies);
    }
  };
  visit(pkg.dependencies);
  return [...inlined].map((d) => d.slice('@genai-meter/'.length));
}

const asked = process.argv.slice(2);
const selected = new Set(asked.length ? asked : order);
for (const name of order) {
  const inlined = inlinedWorkspacePackages(name);
  // Rebuilt with what it inlines; and what it inlines is built first when it has not been built yet.
  if (inlined.some((dep) => selected.has(dep))) selected.add(name);
  if (selected.has(name)) for (const dep of inlined) if (!existsSync(join(root, 'packages', dep, 'dist'))) selected.add(dep);
}

// CommonJS output: import.meta.url has no meaning there; give it the file's own URL.
const cjsImportMetaUrl = {
  define: { 'import.meta.url': '__genaiMeterImportMetaUrl' },
  banner: { js: "const __genaiMeterImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

/**
 * require('pkg') in the bundled sources is resolved as an import would be, so a package reached by both
 * `import` and a lazy `require()` is bundled once (its ES module build, tree-shaken); esbuild then
 * initialises a required module on first use, not at start.
 */
const requireAsImport = {
  name: 'require-as-import',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind !== 'require-call' || args.pluginData?.asImport || args.importer.includes('/node_modules/')) return undefined;
      const resolved = await b.resolve(args.path, { kind: 'import-statement', importer: args.importer, resolveDir: args.resolveDir, pluginData: { asImport: true } });
      return resolved.errors.length > 0 ? undefined : resolved;
    });
  },
};

/**
 * Packages in `bundle.dedupe` resolve from the bundling package's own directory wherever they are imported,
 * so the bundle holds one copy even where npm nested a second one (exporter-prometheus pins exact patch
 * versions of core and sdk-metrics). The build fails if the nested copy is of another major version.
 */
const dedupe = (dir, names) => ({
  name: 'dedupe',
  setup(b) {
    const versions = new Map();
    const major = (file) => JSON.parse(readFileSync(file, 'utf8')).version.split('.')[0];
    const packageJsonOf = (file, name) => join(file.slice(0, file.lastIndexOf(`/node_modules/${name}/`)), 'node_modules', name, 'package.json');
    b.onResolve({ filter: new RegExp(`^(${names.map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})$`) }, async (args) => {
      if (args.pluginData?.deduped) return undefined;
      const own = await b.resolve(args.path, { kind: args.kind, resolveDir: dir, pluginData: { deduped: true } });
      const theirs = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { deduped: true } });
      if (own.errors.length > 0 || theirs.errors.length > 0 || own.path === theirs.path) return undefined;
      const key = `${args.path}:${theirs.path}`;
      if (!versions.has(key)) versions.set(key, [major(packageJsonOf(own.path, args.path)), major(packageJsonOf(theirs.path, args.path))]);
      const [a, c] = versions.get(key);
      if (a !== c) return { errors: [{ text: `${args.path}: ${args.importer} needs major ${c}, the package has ${a}; cannot dedupe` }] };
      return own;
    });
  },
});

/** In a bundled package, imports of the first entry from the other entries load its built file. */
const firstEntryExternal = (dir, first) => ({
  name: 'first-entry-external',
  setup(b) {
    const target = join(dir, first);
    b.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData?.firstEntry) return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { firstEntry: true } });
      if (resolved.path !== target) return undefined;
      return { path: `./${basename(first, '.ts')}.cjs`, external: true };
    });
  },
});

/**
 * V8 keeps a script's whole source in memory (functions are compiled lazily from it), and one character
 * outside Latin-1 (a `…` in a comment esbuild kept) makes the whole source a two-byte string: twice the
 * memory. esbuild leaves such characters in comments and regular expressions; a \uXXXX escape means the
 * same there, in strings and in identifiers.
 */
function asciiOnly(file) {
  const source = readFileSync(file, 'utf8');
  const escaped = source.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (escaped !== source) writeFileSync(file, escaped);
}

async function buildBundled(dir, entries, bundle) {
  const common = {
    absWorkingDir: dir,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    sourcemap: true,
    outdir: 'dist',
    outExtension: { '.js': '.cjs' },
    external: bundle.external ?? [],
    // Stand-ins for dependencies of bundled packages, resolved from the package directory.
    alias: bundle.alias ?? {},
    logLevel: 'warning',
    ...cjsImportMetaUrl,
  };
  const plugins = [requireAsImport, dedupe(dir, bundle.dedupe ?? [])];
  const [first, ...rest] = entries;
  await build({ ...common, entryPoints: [first], plugins });
  if (rest.length > 0) await build({ ...common, entryPoints: rest, plugins: [...plugins, firstEntryExternal(dir, first)] });
  for (const entry of entries) {
    const name = basename(entry, '.ts');
    asciiOnly(join(dir, 'dist', `${name}.cjs`));
    writeFileSync(join(dir, 'dist', `${name}.js`), `// ES module entry: the same module as ${name}.cjs (one copy for CommonJS and ES module users).\nexport * from './${name}.cjs';\n`);
  }
}

async function buildExternal(dir, entries) {
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
  await build({ ...common, format: 'cjs', outExtension: { '.js': '.cjs' }, ...cjsImportMetaUrl });
}

for (const name of order) {
  if (!selected.has(name)) continue;
  const dir = join(root, 'packages', name);
  const pkg = readPackage(name);
  if (!pkg || !existsSync(join(dir, 'src'))) continue;
  const entries = pkg.genaiMeter?.entries ?? ['src/index.ts'];
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  if (pkg.genaiMeter?.bundle) await buildBundled(dir, entries, pkg.genaiMeter.bundle);
  else await buildExternal(dir, entries);
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json', '--emitDeclarationOnly', '--outDir', 'dist/types'], { cwd: dir, stdio: 'inherit' });
  for (const bin of Object.values(pkg.bin ?? {})) {
    if (existsSync(join(dir, bin))) chmodSync(join(dir, bin), 0o755);
  }
  console.log(`built ${name}: ${entries.map((e) => basename(e, '.ts')).join(', ')}${pkg.genaiMeter?.bundle ? ' (bundled)' : ''}`);
}
