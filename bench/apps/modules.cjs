// Preloaded first: at exit, prints how many JavaScript files (CommonJS, and ES modules loaded through
// require) and Node builtins the process loaded.
process.on('exit', () => {
  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).length;
  process.stderr.write(`MODULES ${JSON.stringify({ files: Object.keys(require.cache).length - 1, builtins })}\n`);
});
