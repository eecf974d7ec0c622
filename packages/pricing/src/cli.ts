#!/usr/bin/env node
// genai-meter-price: prices a given usage for a model, lists the catalog, validates a price file
// and compares one with the bundled catalog.
import { PriceCatalog } from './catalog.js';
import { diffCatalog, type CatalogDiff } from './diff.js';
import { PricingFileError } from './schema.js';
import type { CallUsage, CostBreakdown, ModelPrice, ResolvedModel, TokenRates } from './types.js';

const USAGE = `usage: genai-meter-price <model> [usage] [--service-tier TIER] [--json] [--file FILE]
       genai-meter-price --list [--markdown | --json] [--file FILE]
       genai-meter-price validate [FILE] [--json]
       genai-meter-price diff FILE [--all] [--json]
       genai-meter-price --help

Prices one call of <model> (any name a relay sends: bare, provider/-prefixed, dated, -latest).
Without usage flags it prints the model's prices.

usage (token counts follow OpenAI's convention: --input INCLUDES cached, cache-write, audio and
image input tokens; --output INCLUDES reasoning, audio and image output tokens):
  --input N              input (prompt) tokens; alone it selects the long-context rates
  --output N             output (completion) tokens
  --cached N             input tokens read from the provider's cache
  --cache-write N        input tokens written to the cache (all lifetimes)
  --cache-write-1h N     of those, written with a 1-hour lifetime (Anthropic)
  --cache-write-ttl T=N  of those, written with lifetime T (e.g. 12h=5000 for OpenAI); repeatable
  --reasoning N          output tokens spent on reasoning
  --audio-input N, --cached-audio N, --audio-output N, --image-input N, --cached-image N, --image-output N
                         the audio / image parts of input, cache reads and output
  --images N [--size WxH] [--quality Q]   images generated (per-image prices)
  --seconds N            seconds of audio transcribed (per-minute prices)
  --characters N         characters turned into speech (per-character prices)
  --service-tier TIER    the response's service_tier: default, flex, batch, priority (fast), ...

  --file FILE            price file: ours (JSON/YAML) or LiteLLM's model_prices_and_context_window.json;
                         default $GENAI_METER_PRICING_FILE
  --json                 machine-readable output
  --list                 every catalog model with prices, source and date
  --markdown             with --list: the README's coverage section
  validate [FILE]        checks a price file strictly and lists every problem (default $GENAI_METER_PRICING_FILE)
  diff FILE              compares the bundled catalog with FILE (ours or LiteLLM's) and lists the differences
  --all                  with diff: also list the names only one side has

Prices are USD per 1M tokens unless said otherwise.
Exit codes: 0 success, 1 unknown model, unpriced usage or invalid price file, 2 bad flags.`;

class UsageError extends Error {}

type Command = 'price' | 'list' | 'validate' | 'diff' | 'help';

interface Args {
  command: Command;
  model?: string;
  file?: string;
  markdown: boolean;
  json: boolean;
  all: boolean;
  serviceTier?: string;
  usage: CallUsage;
  cacheWriteByTtl: Record<string, number>;
  seen: Set<string>;
}

const COUNT_FLAGS: Record<string, keyof CallUsage> = {
  '--input': 'inputTokens',
  '--output': 'outputTokens',
  '--cached': 'cacheReadTokens',
  '--cache-write': 'cacheWriteTokens',
  '--reasoning': 'reasoningTokens',
  '--audio-input': 'audioInputTokens',
  '--cached-audio': 'cachedAudioInputTokens',
  '--audio-output': 'audioOutputTokens',
  '--image-input': 'imageInputTokens',
  '--cached-image': 'cachedImageInputTokens',
  '--image-output': 'imageOutputTokens',
  '--images': 'images',
  '--seconds': 'audioSeconds',
  '--characters': 'characters',
};

function wholeNumber(flag: string, text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`${flag} expects a whole number, got "${text}"`);
  return Number(text);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { command: 'price', markdown: false, json: false, all: false, usage: {}, cacheWriteByTtl: {}, seen: new Set() };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const takeValue = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      return value;
    };
    if (flag === '--help' || flag === '-h') return { ...args, command: 'help' };
    if (flag === '--list') args.command = 'list';
    else if (flag === '--markdown') args.markdown = true;
    else if (flag === '--json') args.json = true;
    else if (flag === '--all') args.all = true;
    else if (flag === '--file') args.file = takeValue();
    else if (flag === '--service-tier') args.serviceTier = takeValue();
    else if (flag === '--size') args.usage.imageSize = takeValue();
    else if (flag === '--quality') args.usage.imageQuality = takeValue();
    else if (flag === '--cache-write-1h' || flag === '--cache-write-ttl') {
      const text = takeValue();
      const [ttl, n] = flag === '--cache-write-1h' ? ['1h', text] : text.split('=', 2);
      if (!ttl || !/^\d+(m|h)$/.test(ttl) || n === undefined) throw new UsageError(`${flag} expects TTL=N such as 1h=5000, got "${text}"`);
      args.cacheWriteByTtl[ttl] = wholeNumber(flag, n);
      args.seen.add(flag);
    } else if (flag in COUNT_FLAGS) {
      (args.usage as Record<string, number>)[COUNT_FLAGS[flag]!] = wholeNumber(flag, takeValue());
      args.seen.add(flag);
    } else if (flag.startsWith('-')) throw new UsageError(`unknown option ${flag}`);
    else positional.push(arg);
  }
  if (args.command === 'price' && (positional[0] === 'validate' || positional[0] === 'diff')) args.command = positional.shift() as Command;
  if (args.command === 'diff') {
    if (positional.length !== 1) throw new UsageError('diff takes one FILE');
    args.file = positional[0]!;
  } else if (args.command === 'validate') {
    if (positional.length > 1) throw new UsageError('validate takes at most one FILE');
    args.file = positional[0] ?? args.file ?? (process.env.GENAI_METER_PRICING_FILE || undefined);
    if (args.file === undefined) throw new UsageError('validate needs a FILE (or GENAI_METER_PRICING_FILE)');
  } else if (args.command === 'list') {
    if (positional.length > 0) throw new UsageError(`unexpected argument "${positional[0]}"`);
    if (args.markdown && args.json) throw new UsageError('--markdown and --json do not go together');
  } else {
    if (positional.length === 0) throw new UsageError('missing <model>');
    if (positional.length > 1) throw new UsageError(`unexpected argument "${positional[1]}"`);
    args.model = positional[0]!;
  }
  if (args.markdown && args.command !== 'list') throw new UsageError('--markdown goes with --list');
  if (args.all && args.command !== 'diff') throw new UsageError('--all goes with diff');
  const ttlTotal = Object.values(args.cacheWriteByTtl).reduce((a, b) => a + b, 0);
  if (ttlTotal > 0) {
    args.usage.cacheWriteTokensByTtl = args.cacheWriteByTtl;
    // --cache-write is the total of all lifetimes; alone, the lifetime parts make it up.
    args.usage.cacheWriteTokens = Math.max(args.usage.cacheWriteTokens ?? 0, ttlTotal);
  }
  return args;
}

/** Exact decimal rendering without float noise (0.00725, not 0.007250000000000001). */
function formatUsd(value: number): string {
  if (value === 0) return '$0';
  const fixed = value.toFixed(12).replace(/0+$/, '').replace(/\.$/, '');
  return `$${fixed === '0' ? value.toExponential(3) : fixed}`;
}

/** A number as its shortest exact decimal (0.1 + 0.2 style noise removed). */
function num(value: number): string {
  return String(Number(value.toPrecision(12)));
}

const RATE_LABELS: [keyof TokenRates, string][] = [
  ['input', 'input'],
  ['cachedInput', 'cached input'],
  ['cacheWrite', 'cache write'],
  ['output', 'output'],
  ['reasoningOutput', 'reasoning output'],
  ['audioInput', 'audio input'],
  ['cachedAudioInput', 'cached audio input'],
  ['audioOutput', 'audio output'],
  ['imageInput', 'image input'],
  ['cachedImageInput', 'cached image input'],
  ['imageOutput', 'image output'],
];

function describeRates(r: Partial<TokenRates>): string {
  const parts: string[] = [];
  for (const [field, label] of RATE_LABELS) {
    const v = r[field];
    if (typeof v === 'number') parts.push(`${label} ${formatUsd(v)}`);
    if (field === 'cacheWrite') for (const [ttl, v] of Object.entries(r.cacheWriteByTtl ?? {})) parts.push(`cache write ${ttl} ${formatUsd(v)}`);
  }
  return `${parts.join(', ')} per 1M tokens`;
}

function describeUnits(p: ModelPrice): string[] {
  const out: string[] = [];
  if (p.images) {
    const qualities = Object.entries(p.images.prices).map(([q, sizes]) => `${q}: ${Object.entries(sizes).map(([s, usd]) => `${s} ${formatUsd(usd)}`).join(', ')}`);
    out.push(`per image (${qualities.join('; ')})`);
  }
  if (p.perAudioMinute !== undefined) out.push(`${formatUsd(p.perAudioMinute)} per audio minute (billed per second)`);
  if (p.perMillionCharacters !== undefined) out.push(`${formatUsd(p.perMillionCharacters)} per 1M characters`);
  return out;
}

function describeTiers(p: ModelPrice): string | undefined {
  const tiers = Object.entries(p.serviceTiers ?? {});
  if (tiers.length === 0) return undefined;
  return tiers.map(([name, t]) => (typeof t === 'number' ? `${name} x${num(t)}` : `${name}: ${describeRates(t)}${t.longContext ? `; ${t.longContext.map((l) => `above ${l.above}: ${describeRates(l)}`).join('; ')}` : ''}`)).join('; ');
}

function priceRows(model: string, { key, price }: ResolvedModel): [string, string][] {
  const rows: [string, string][] = [['model', `${model}${model === key ? '' : ` -> ${key}`} (${price.provider})`]];
  if (price.input !== undefined) rows.push(['prices', describeRates(price as TokenRates)]);
  for (const units of describeUnits(price)) rows.push(['prices', units]);
  for (const tier of price.longContext ?? []) rows.push(['long context', `input above ${tier.above} tokens: ${describeRates(tier)}`]);
  const tiers = describeTiers(price);
  if (tiers) rows.push(['service tiers', tiers]);
  rows.push(['source', `${price.source} (taken ${price.date})`]);
  if (price.note) rows.push(['note', price.note]);
  return rows;
}

function printRows(rows: [string, string][]): void {
  process.stdout.write(rows.map(([label, value]) => `${`${label}:`.padEnd(15)}${value}\n`).join(''));
}

function describeUsage(u: CallUsage): string {
  const parts = [`input ${u.inputTokens ?? 0} (cached ${u.cacheReadTokens ?? 0}, cache write ${u.cacheWriteTokens ?? 0}`];
  for (const [ttl, n] of Object.entries(u.cacheWriteTokensByTtl ?? {})) parts[0] += `, of which ${ttl} ${n}`;
  parts[0] += `), output ${u.outputTokens ?? 0} (reasoning ${u.reasoningTokens ?? 0})`;
  const extra: [keyof CallUsage, string][] = [
    ['audioInputTokens', 'audio input'], ['cachedAudioInputTokens', 'cached audio'], ['audioOutputTokens', 'audio output'],
    ['imageInputTokens', 'image input'], ['cachedImageInputTokens', 'cached image'], ['imageOutputTokens', 'image output'],
    ['images', 'images'], ['audioSeconds', 'audio seconds'], ['characters', 'characters'],
  ];
  for (const [field, label] of extra) if (u[field] !== undefined) parts.push(`${label} ${u[field]}`);
  if (u.imageSize !== undefined) parts.push(`size ${u.imageSize}`);
  if (u.imageQuality !== undefined) parts.push(`quality ${u.imageQuality}`);
  return parts.join(', ');
}

function describeApplied(c: CostBreakdown): string {
  const tier = `${c.serviceTier} tier`;
  const rates = c.longContextAbove !== undefined ? `long-context rates (input above ${c.longContextAbove} tokens)` : c.billedBy === 'units' ? 'per-unit prices' : 'base rates';
  return `${tier}, ${rates}`;
}

function costRows(c: CostBreakdown): [string, string][] {
  const rows: [string, string][] = [
    ['applied', describeApplied(c)],
    ['input', formatUsd(c.inputUsd)],
    ['cache read', formatUsd(c.cacheReadUsd)],
    ['cache write', formatUsd(c.cacheWriteUsd)],
    ['output', formatUsd(c.outputUsd)],
    ['reasoning', formatUsd(c.reasoningUsd)],
  ];
  if (c.audioUsd !== 0) rows.push(['audio', formatUsd(c.audioUsd)]);
  if (c.imageUsd !== 0) rows.push(['image', formatUsd(c.imageUsd)]);
  if (c.billedBy === 'units') rows.push(['units', formatUsd(c.unitsUsd)]);
  rows.push(['total', formatUsd(c.totalUsd)]);
  return rows;
}

function price(args: Args, catalog: PriceCatalog): number {
  const model = args.model!;
  const resolved = catalog.resolve(model);
  if (!resolved) {
    process.stderr.write(`genai-meter-price: unknown model "${model}": not in the catalog (run --list), no cost is computed\n`);
    return 1;
  }
  const hasUsage = args.seen.size > 0;
  const call = hasUsage ? catalog.priceCall([model], args.usage, { serviceTier: args.serviceTier }) : undefined;
  if (call && !call.priced) {
    const tiers = Object.keys(resolved.price.serviceTiers ?? {});
    const why = call.reason === 'unpriced_service_tier'
      ? `no price for service tier "${call.detail}" (this model has: standard${tiers.length ? `, ${tiers.join(', ')}` : ''})`
      : call.reason === 'unpriced_cache_ttl' ? `no price for cache writes with lifetime "${call.detail}"`
      : call.reason === 'unpriced_image' ? `no per-image price for quality and size "${call.detail}"`
      : `no price for this usage (${call.detail})`;
    process.stderr.write(`genai-meter-price: ${model} -> ${resolved.key}: ${why}; no cost is computed\n`);
    return 1;
  }
  const cost = call?.priced ? call.breakdown : undefined;
  if (args.json) {
    const out = { model, key: resolved.key, price: resolved.price, ...(hasUsage ? { usage: args.usage, serviceTier: args.serviceTier ?? null, cost } : {}) };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  const rows = priceRows(model, resolved);
  if (cost) rows.push(['usage', describeUsage(args.usage)], ...costRows(cost));
  printRows(rows);
  return 0;
}

function cell(v: number | undefined): string {
  return v === undefined ? '' : num(v);
}

/** Long-context and service-tier summary for the coverage table. */
function tiersCell(p: ModelPrice): string {
  const parts = (p.longContext ?? []).map((t) => `>${t.above / 1000}k: ${num(t.input)}/${num(t.output)}`);
  for (const [name, t] of Object.entries(p.serviceTiers ?? {})) parts.push(typeof t === 'number' ? `${name} x${num(t)}` : `${name} ${num(t.input)}/${num(t.output)}`);
  if (p.cacheWriteByTtl) for (const [ttl, v] of Object.entries(p.cacheWriteByTtl)) parts.push(`write ${ttl} ${num(v)}`);
  return parts.join(', ');
}

function unitsCell(p: ModelPrice): string {
  const parts: string[] = [];
  if (p.images) parts.push(Object.entries(p.images.prices).map(([q, sizes]) => `${q} ${Object.entries(sizes).map(([s, usd]) => `${s} $${num(usd)}`).join(' ')}`).join('; '));
  if (p.perAudioMinute !== undefined) parts.push(`$${num(p.perAudioMinute)}/min`);
  if (p.perMillionCharacters !== undefined) parts.push(`$${num(p.perMillionCharacters)}/1M chars`);
  return parts.join('; ');
}

/** The README's coverage section: generated from the catalog so the two cannot drift apart. */
function markdownCoverage(catalog: PriceCatalog): string {
  const entries = catalog.models().map((key) => ({ key, p: catalog.resolve(key)!.price }));
  const byProvider = new Map<string, number>();
  for (const { p } of entries) byProvider.set(p.provider, (byProvider.get(p.provider) ?? 0) + 1);
  const counts = [...byProvider.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([provider, n]) => `| ${provider} | ${n} |`);
  const rows = [
    '| Model | Provider | Input | Cached input | Cache write | Output | Long context, tiers, cache lifetimes | Per unit | Aliases | Source | Date |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- | --- |',
  ];
  const notes: string[] = [];
  for (const { key, p } of entries) {
    const aliases = (p.aliases ?? []).map((a) => `\`${a}\``).join(', ');
    const reasoning = p.reasoningOutput !== undefined ? ` (reasoning ${num(p.reasoningOutput)})` : '';
    rows.push(`| \`${key}\` | ${p.provider} | ${cell(p.input)} | ${cell(p.cachedInput)} | ${cell(p.cacheWrite)} | ${cell(p.output)}${reasoning} | ${tiersCell(p)} | ${unitsCell(p)} | ${aliases} | ${p.source} | ${p.date} |`);
    if (p.note) notes.push(`- \`${key}\`: ${p.note}`);
  }
  return [
    `${entries.length} models. Per provider:`,
    '',
    '| Provider | Models |',
    '| --- | ---: |',
    ...counts,
    '',
    ...rows,
    '',
    'Notes per model (how each figure was checked, where sources disagree, what could not be verified):',
    '',
    ...notes,
    '',
  ].join('\n');
}

function list(args: Args, catalog: PriceCatalog): number {
  if (args.markdown) {
    process.stdout.write(markdownCoverage(catalog));
    return 0;
  }
  const models = catalog.models().map((key) => ({ key, ...catalog.resolve(key)!.price }));
  if (args.json) {
    process.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
    return 0;
  }
  const lines = models.map(({ key, ...p }) => {
    const prices = [p.input !== undefined ? describeRates(p as TokenRates) : undefined, ...describeUnits(p)].filter(Boolean).join('; ');
    const tiers = tiersCell(p);
    const aliases = p.aliases?.length ? `  aliases: ${p.aliases.join(', ')}` : '';
    return `${key}  [${p.provider}]  ${prices}${tiers ? `  tiers: ${tiers}` : ''}  source: ${p.source} (${p.date})${aliases}\n`;
  });
  process.stdout.write(lines.join(''));
  return 0;
}

function validate(args: Args): number {
  const problems: PricingFileError[] = [];
  const catalog = PriceCatalog.load({ file: args.file! }, { onProblem: (p) => problems.push(p) });
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ file: args.file, valid: problems.length === 0, models: catalog.models().length, problems: problems.map((p) => ({ message: p.message, entry: p.entry ?? null, jsonPath: p.jsonPath ?? null })) }, null, 2)}\n`);
  } else if (problems.length === 0) {
    process.stdout.write(`${args.file}: valid (${catalog.models().length} models priced with the bundled catalog)\n`);
  } else {
    process.stderr.write(problems.map((p) => `${p.message}\n`).join(''));
    process.stderr.write(`${args.file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
  }
  return problems.length === 0 ? 0 : 1;
}

function printDiff(d: CatalogDiff, all: boolean): void {
  const out: string[] = [`${d.file} (${d.format === 'litellm' ? "LiteLLM's format" : 'genai-meter format'}) compared with the bundled catalog`];
  out.push(`changed: ${d.changed.length} name${d.changed.length === 1 ? '' : 's'} priced differently`);
  for (const c of d.changed) {
    const fields = c.differences.map((f) => `${f.field} ${f.bundled === undefined ? '-' : num(f.bundled)} -> ${f.file === undefined ? '-' : num(f.file)}`).join(', ');
    out.push(`  ${c.name}${c.name === c.key ? '' : ` (${c.key})`}: ${fields}`);
  }
  out.push(`only in the file: ${d.added.length} name${d.added.length === 1 ? '' : 's'}${all ? '' : ' (--all lists them)'}`);
  if (all) for (const name of d.added) out.push(`  ${name}`);
  out.push(`only in the bundled catalog: ${d.missing.length} model${d.missing.length === 1 ? '' : 's'}${all ? '' : ' (--all lists them)'}`);
  if (all) for (const key of d.missing) out.push(`  ${key}`);
  out.push(`not compared: ${d.otherProvider.length} name${d.otherProvider.length === 1 ? '' : 's'} priced for another provider${all ? '' : ' (--all lists them)'}`);
  if (all) for (const name of d.otherProvider) out.push(`  ${name}`);
  if (d.problems.length > 0) {
    out.push(`problems: ${d.problems.length}`);
    for (const p of d.problems) out.push(`  ${p}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

function run(argv: string[]): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`genai-meter-price: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  switch (args.command) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case 'validate':
      return validate(args);
    case 'diff': {
      const d = diffCatalog(args.file!);
      if (args.json) process.stdout.write(`${JSON.stringify(d, null, 2)}\n`);
      else printDiff(d, args.all);
      return d.problems.length > 0 && d.changed.length + d.added.length === 0 ? 1 : 0;
    }
    case 'list':
      return list(args, PriceCatalog.load(args.file !== undefined ? { file: args.file } : {}));
    default:
      return price(args, PriceCatalog.load(args.file !== undefined ? { file: args.file } : {}));
  }
}

// `genai-meter-price --list | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

try {
  process.exitCode = run(process.argv.slice(2));
} catch (err) {
  if (err instanceof PricingFileError) {
    process.stderr.write(`genai-meter-price: ${err.message}\n`);
    process.exitCode = 1;
  } else {
    throw err;
  }
}
