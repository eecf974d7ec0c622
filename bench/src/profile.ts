// Reads a V8 .cpuprofile: self time per function, grouped by who owns the code, with genai-meter's own
// functions mapped back to their TypeScript source through the build's source maps.
import { readFileSync, existsSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  owner: string;
  name: string;
  location: string;
  selfMs: number;
  selfPct: number;
}

export interface ProfileSummary {
  totalMs: number;
  byOwner: { owner: string; selfMs: number; selfPct: number }[];
  genaiMeter: HotFunction[];
  overall: HotFunction[];
}

export function ownerOf(url: string, name: string): string {
  if (url.includes('/packages/instrumentation-openai/')) return 'genai-meter';
  if (url.includes('/packages/pricing/')) return 'genai-meter (pricing)';
  if (url.includes('@opentelemetry/sdk-metrics')) return 'otel sdk-metrics';
  if (url.includes('@opentelemetry/')) return 'otel (other)';
  if (url.includes('/node_modules/openai/')) return 'openai SDK';
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/bench/')) return 'bench harness';
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)' || name === '(program)') return name;
  return url ? 'other js' : 'native/builtins';
}

const maps = new Map<string, SourceMap | null>();
function sourceLocation(url: string, line: number, column: number): string {
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    maps.set(file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : null);
  }
  const map = maps.get(file);
  const short = file.replace(/^.*\/packages\//, 'packages/');
  if (!map) return `${short}:${line + 1}`;
  const e = map.findEntry(line, column) as { originalSource?: string; originalLine?: number };
  if (!e.originalSource) return `${short}:${line + 1}`;
  return `${e.originalSource.replace(/^.*\/packages\//, 'packages/').replace(/^(\.\.\/)+/, '')}:${(e.originalLine ?? 0) + 1}`;
}

export function summarizeProfile(path: string, top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fns = new Map<string, HotFunction>();
  const owners = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const cf = (byId.get(id) as ProfileNode).callFrame;
    const owner = ownerOf(cf.url, cf.functionName);
    if (owner === '(idle)') continue;
    total += us;
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    const key = `${cf.functionName}|${cf.url}|${cf.lineNumber}|${cf.columnNumber}`;
    const f = fns.get(key) ?? {
      owner,
      name: cf.functionName || '(anonymous)',
      location: owner.startsWith('genai-meter') ? sourceLocation(cf.url, cf.lineNumber, cf.columnNumber) : `${cf.url.replace(/^.*node_modules\//, '')}:${cf.lineNumber + 1}`,
      selfMs: 0,
      selfPct: 0,
    };
    f.selfMs += us / 1000;
    fns.set(key, f);
  }
  const all = [...fns.values()].map((f) => ({ ...f, selfPct: (f.selfMs * 1000 * 100) / total })).sort((a, b) => b.selfMs - a.selfMs);
  return {
    totalMs: total / 1000,
    byOwner: [...owners].map(([owner, us]) => ({ owner, selfMs: us / 1000, selfPct: (us * 100) / total })).sort((a, b) => b.selfMs - a.selfMs),
    genaiMeter: all.filter((f) => f.owner.startsWith('genai-meter')).slice(0, top),
    overall: all.slice(0, top),
  };
}
