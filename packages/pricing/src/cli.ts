#!/usr/bin/env node
// genai-meter-price: prints the cost of a given usage for a model, to check the catalog by hand.
import { PriceCatalog } from './catalog.js';
import { PricingFileError } from './schema.js';
import type { ModelPrice, TokenUsage } from './types.js';

const USAGE = `usage: genai-meter-price <model> --input N --output N [--cached N] [--cache-write N] [--reasoning N] [--file prices.json]
       genai-meter-price --list [--markdown] [--file prices.json]

  --input N        input (prompt) tokens, INCLUDING cached and cache-write tokens
  --output N       output (completion) tokens, INCLUDING reasoning tokens
  --cached N       input tokens read from the provider's cache
  --cache-write N  input tokens written to the cache (Anthropic)
  --reasoning N    output tokens spent on reasoning
  --file PATH      override file (JSON or YAML); default $GENAI_METER_PRICING_FILE
  --list           list catalog models with prices, source and date
  --markdown       with --list: the coverage table and notes as Markdown (README)
Prices are USD per 1M tokens.`;

class UsageError extends Error {}

interface Args {
  model?: string;
  list: boolean;
  markdown: boolean;
  file?: string;
  usage: Required<TokenUsage>;
  seen: Set<string>;
}

const COUNT_FLAGS: Record<string, keyof TokenUsage> = {
  '--input': 'inputTokens',
  '--output': 'outputTokens',
  '--cached': 'cacheReadTokens',
  '--cache-write': 'cacheWriteTokens',
  '--reasoning': 'reasoningTokens',
};

function parseArgs(argv: string[]): Args {
  const args: Args = {
    list: false,
    markdown: false,
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
    seen: new Set(),
  };
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
    if (flag === '--list') {
      args.list = true;
    } else if (flag === '--markdown') {
      args.markdown = true;
    } else if (flag === '--file') {
      args.file = takeValue();
    } else if (flag in COUNT_FLAGS) {
      const text = takeValue();
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`${flag} expects a whole number of tokens, got "${text}"`);
      args.usage[COUNT_FLAGS[flag]!] = Number(text);
      args.seen.add(flag);
    } else if (flag.startsWith('-')) {
      throw new UsageError(`unknown option ${flag}`);
    } else if (args.model === undefined) {
      args.model = arg;
    } else {
      throw new UsageError(`unexpected argument "${arg}"`);
    }
  }
  if (args.markdown && !args.list) throw new UsageError('--markdown goes with --list');
  if (!args.list) {
    if (args.model === undefined) throw new UsageError('missing <model>');
    for (const required of ['--input', '--output']) {
      if (!args.seen.has(required)) throw new UsageError(`missing ${required}`);
    }
  }
  return args;
}

/** Exact decimal rendering without float noise (0.00725, not 0.007250000000000001). */
function formatUsd(value: number): string {
  if (value === 0) return '$0';
  const fixed = value.toFixed(12).replace(/0+$/, '').replace(/\.$/, '');
  return `$${fixed === '0' ? value.toExponential(3) : fixed}`;
}

function describePrices(p: ModelPrice): string {
  const parts = [`input ${formatUsd(p.input)}`];
  if (p.cachedInput !== undefined) parts.push(`cached input ${formatUsd(p.cachedInput)}`);
  if (p.cacheWrite !== undefined) parts.push(`cache write ${formatUsd(p.cacheWrite)}`);
  parts.push(`output ${formatUsd(p.output)}`);
  if (p.reasoningOutput !== undefined) parts.push(`reasoning output ${formatUsd(p.reasoningOutput)}`);
  return `${parts.join(', ')} per 1M tokens`;
}

/** The README's coverage table: generated from the catalog so the two cannot drift apart. */
function markdownCoverage(catalog: PriceCatalog): string {
  const cell = (v: number | undefined): string => (v === undefined ? '' : `${v}`);
  const rows = [
    '| Model | Provider | Input | Cached input | Cache write | Output | Aliases | Source | Date |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- |',
  ];
  const notes: string[] = [];
  for (const key of catalog.models()) {
    const { price: p } = catalog.resolve(key)!;
    const aliases = (p.aliases ?? []).map((a) => `\`${a}\``).join(', ');
    const reasoning = p.reasoningOutput !== undefined ? ` (reasoning ${p.reasoningOutput})` : '';
    rows.push(`| \`${key}\` | ${p.provider} | ${cell(p.input)} | ${cell(p.cachedInput)} | ${cell(p.cacheWrite)} | ${cell(p.output)}${reasoning} | ${aliases} | ${p.source} | ${p.date} |`);
    if (p.note) notes.push(`- \`${key}\`: ${p.note}`);
  }
  return `${rows.join('\n')}\n\nNotes per model (how each figure was checked, what could not be verified):\n\n${notes.join('\n')}\n`;
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
  const catalog = PriceCatalog.load(args.file !== undefined ? { file: args.file } : {});

  if (args.list && args.markdown) {
    process.stdout.write(markdownCoverage(catalog));
    return 0;
  }
  if (args.list) {
    const lines = catalog.models().map((key) => {
      const { price } = catalog.resolve(key)!;
      const aliases = price.aliases?.length ? `  aliases: ${price.aliases.join(', ')}` : '';
      return `${key}  [${price.provider}]  ${describePrices(price)}  source: ${price.source} (${price.date})${aliases}\n`;
    });
    process.stdout.write(lines.join(''));
    return 0;
  }

  const model = args.model!;
  const resolved = catalog.resolve(model);
  if (!resolved) {
    process.stderr.write(`genai-meter-price: unknown model "${model}": not in the catalog (run --list), no cost is computed\n`);
    return 1;
  }
  const { key, price } = resolved;
  const u = args.usage;
  const cost = catalog.cost(model, u)!;
  const rows: [string, string][] = [
    ['model', `${model}${model === key ? '' : ` -> ${key}`} (${price.provider})`],
    ['prices', describePrices(price)],
    ['source', `${price.source} (taken ${price.date})`],
    ...(price.note ? [['note', price.note] as [string, string]] : []),
    ['usage', `input ${u.inputTokens} (cached ${u.cacheReadTokens}, cache write ${u.cacheWriteTokens}), output ${u.outputTokens} (reasoning ${u.reasoningTokens})`],
    ['input', formatUsd(cost.inputUsd)],
    ['cache read', formatUsd(cost.cacheReadUsd)],
    ['cache write', formatUsd(cost.cacheWriteUsd)],
    ['output', formatUsd(cost.outputUsd)],
    ['reasoning', formatUsd(cost.reasoningUsd)],
    ['total', formatUsd(cost.totalUsd)],
  ];
  process.stdout.write(rows.map(([label, value]) => `${`${label}:`.padEnd(13)}${value}\n`).join(''));
  return 0;
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
