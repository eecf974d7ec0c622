// Preloaded after the register entry in tests: keeps the example app's process alive once its main
// module has finished, so that a test can scrape /metrics; the test ends it with a signal.
setInterval(() => {}, 60_000);
