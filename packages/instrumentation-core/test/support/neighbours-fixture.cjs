// What the neighbours fixtures share. Each is one process as real apps run it: genai-meter beside another
// instrumentation or wrapper of an SDK, loaded in a chosen order, then real calls over HTTP to the simulator,
// and one `RESULT <json>` line: what the caller saw, the chain of wrappers, and the metrics.
//
// Env: NEIGHBOUR (which neighbour), ORDER = neighbour-first | genai-first, GENAI = 1 | 0 (0: the neighbour
// alone, for differential runs).
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { MeterProvider } = require('@opentelemetry/sdk-metrics');
const { OnDemandReader, collectPoints } = require('./fixture-metrics.cjs');

const neighbour = process.env.NEIGHBOUR ?? 'none';
const order = process.env.ORDER ?? 'neighbour-first';
const withGenai = process.env.GENAI !== '0';

/** Requires from the fixture package that installs the neighbours (OpenLIT, contrib, require-in-the-middle). */
const neighboursRequire = createRequire(join(__dirname, '../../../openai-compat/neighbours/package.json'));

/** A reader of its own for the neighbour's metrics. */
function neighbourMeters() {
  const reader = new OnDemandReader();
  return { reader, meterProvider: new MeterProvider({ readers: [reader] }) };
}

/**
 * Loads the neighbour and genai-meter in ORDER. `instrumentation()` returns genai-meter's instrumentation class
 * (required at its turn); it gets a reader of its own, returned (undefined with GENAI=0).
 */
function loadInOrder(loadNeighbour, instrumentation) {
  let reader;
  const loadGenai = () => {
    if (!withGenai) return;
    const Instrumentation = instrumentation();
    reader = new OnDemandReader();
    const inst = new Instrumentation({ enabled: false });
    inst.setMeterProvider(new MeterProvider({ readers: [reader] }));
    inst.enable();
  };
  if (order === 'neighbour-first') {
    loadNeighbour();
    loadGenai();
  } else {
    loadGenai();
    loadNeighbour();
  }
  return reader;
}

/** OpenLIT's instrumentations. No collector: its exporters point at a closed port; its wrappers are what matters. */
function initOpenLIT() {
  const openlit = neighboursRequire('openlit').default ?? neighboursRequire('openlit');
  openlit.init({ otlpEndpoint: 'http://127.0.0.1:9', disableBatch: true, disableMetrics: true, applicationName: 'neighbours', pricingJson: {} });
}

/**
 * A library's own create() on `proto` (the resource prototype that holds create()), over the one there: it returns
 * a plain Promise, or with `generator` for streams its own async generator over the SDK's stream.
 */
function wrapPrototype(proto, generator) {
  const original = proto.create;
  const libraryCreate = async function libraryCreate(body, options) {
    const result = await original.call(this, body, options);
    if (!generator || !body.stream) return result;
    return (async function* relay() {
      for await (const item of result) yield item;
    })();
  };
  libraryCreate.wrapped = original; // for wrapperChain below
  proto.create = libraryCreate;
}

/**
 * A library that wraps create() itself when `moduleName` is required (an LLM SDK of its own; see wrapPrototype).
 * `prototypeOf(exports)` is the resource prototype that holds create().
 */
function wrapLikeALibrary(moduleName, prototypeOf, generator) {
  const { Hook } = neighboursRequire('require-in-the-middle');
  new Hook([moduleName], (exports) => {
    wrapPrototype(prototypeOf(exports), generator);
    return exports;
  });
}

/**
 * The same library in an ES module app: it wraps create() when `moduleName`'s ES module copy is imported, through
 * an import-in-the-middle Hook of its own (the copy the loader hook registered by the app calls; needs that hook).
 * Hooks run in the order they were registered, so it sits inside every wrapper hooked after it.
 */
function wrapOnImport(moduleName, prototypeOf, generator) {
  const { Hook } = neighboursRequire('import-in-the-middle');
  new Hook([moduleName], (exports) => {
    wrapPrototype(prototypeOf(exports), generator);
  });
}

/** The wrappers around a method, outermost first: nobody removed anybody. */
function wrapperChain(fn) {
  const names = [];
  for (let f = fn; typeof f === 'function' && names.length < 8; ) {
    names.push(f.name || '(anonymous)');
    const own = Object.getOwnPropertySymbols(f).find((sym) => sym.description === 'genai-meter.original');
    f = f.__original ?? (own ? f[own] : undefined) ?? f.wrapped;
  }
  return names;
}

/** The reader's metrics by `<scope> <metric name>`. */
async function metricsByScope(reader) {
  return Object.fromEntries((await collectPoints(reader)).map((m) => [`${m.scope} ${m.name}`, m.points]));
}

/** Runs the fixture's calls, prints `RESULT <json>` with what they return, and exits (1 after an error). */
function printResult(main) {
  main().then(
    (out) => {
      process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
      process.exit(0);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}

module.exports = {
  neighbour,
  order,
  withGenai,
  neighboursRequire,
  neighbourMeters,
  loadInOrder,
  initOpenLIT,
  wrapPrototype,
  wrapLikeALibrary,
  wrapOnImport,
  wrapperChain,
  metricsByScope,
  printResult,
};
