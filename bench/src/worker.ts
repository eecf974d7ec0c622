// Child process driven by the parent over IPC: one variant (or the floor) on one openai major. The parent
// asks for one timed round at a time and alternates between workers, so a change in machine load during
// the run hits every variant alike. Each variant has its own process: they patch the same prototypes.
import { summarize } from './meter.js';
import { Floor, type FloorRecipe } from './floor.js';
import { makeCall, type CallFn, type Scenario } from './scenarios.js';
import { flag, timeLoop, timeSync, type Sample } from './stats.js';
import { setupVariant, type Major, type Variant } from './variants.js';

export type WorkerKind = Variant | 'floor';

export type Request =
  | { cmd: 'prepare'; scenario: Scenario; warmup: number }
  | { cmd: 'round'; scenario: Scenario; iterations: number }
  | { cmd: 'finish' };

export interface WorkerInfo {
  kind: WorkerKind;
  major: Major;
  openaiVersion: string | undefined;
  instrumentationVersion: string | undefined;
}

const kind = flag('variant') as WorkerKind;
const major = Number(flag('major') ?? 6) as Major;

let info: WorkerInfo;
let runRound: (scenario: Scenario, iterations: number) => Promise<Sample>;
let prepare: (scenario: Scenario, warmup: number) => Promise<unknown>;
let finish: () => Promise<unknown>;

if (kind === 'floor') {
  const floor = new Floor();
  const recipes = new Map<Scenario, FloorRecipe>();
  info = { kind, major, openaiVersion: undefined, instrumentationVersion: undefined };
  prepare = async (scenario, warmup) => {
    const recipe = await floor.learn(scenario);
    recipes.set(scenario, recipe);
    timeSync(warmup, (i) => floor.replay(recipe, i));
    return { recordsPerCall: recipe.recordsPerCall };
  };
  runRound = async (scenario, iterations) => {
    const recipe = recipes.get(scenario) as FloorRecipe;
    const s = timeSync(iterations, (i) => floor.replay(recipe, i));
    await floor.reader.collect();
    return s;
  };
  finish = async () => ({ metrics: await summarize(floor.reader) });
} else {
  const setup = setupVariant(kind, major);
  const calls = new Map<Scenario, CallFn>();
  info = { kind, major, openaiVersion: setup.openaiVersion, instrumentationVersion: setup.instrumentationVersion };
  prepare = async (scenario, warmup) => {
    const call = makeCall(setup.OpenAI, scenario);
    calls.set(scenario, call);
    await timeLoop(warmup, call);
    await setup.reader.collect();
    return {};
  };
  runRound = async (scenario, iterations) => {
    const s = await timeLoop(iterations, calls.get(scenario) as CallFn);
    // Collected after every round, outside the timed loop: aggregation really happens, as with a periodic reader.
    await setup.reader.collect();
    return s;
  };
  finish = async () => ({ metrics: await summarize(setup.reader) });
}

const send = (msg: unknown) => (process.send as (m: unknown) => void)(msg);
process.on('message', (req: Request) => {
  const handle = async () => {
    if (req.cmd === 'prepare') return prepare(req.scenario, req.warmup);
    if (req.cmd === 'round') return runRound(req.scenario, req.iterations);
    const out = await finish();
    setImmediate(() => process.exit(0));
    return out;
  };
  handle().then(
    (value) => send({ ok: true, value }),
    (err: unknown) => send({ ok: false, error: String((err as Error)?.stack ?? err) }),
  );
});
send({ ok: true, value: info });
