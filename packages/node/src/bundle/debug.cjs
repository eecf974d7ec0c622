// Stands in for the `debug` package inside the bundle (scripts/build.mjs, genaiMeter.bundle.alias).
// require-in-the-middle is its only user there, and loading `debug` at start costs a few milliseconds and
// megabytes (it loads tty and net streams to pick colours). Same contract: DEBUG=require-in-the-middle
// (or a matching `prefix*`) still prints its lines on stderr, uncoloured.
'use strict';

function enabled(namespace) {
  return (process.env.DEBUG || '')
    .split(/[\s,]+/)
    .some((p) => p !== '' && (p === namespace || (p.endsWith('*') && namespace.startsWith(p.slice(0, -1)))));
}

module.exports = function createDebug(namespace) {
  if (!enabled(namespace)) return function debug() {};
  const { format } = require('node:util');
  return function debug(...args) {
    process.stderr.write(`${namespace} ${format(...args)}\n`);
  };
};
