// OTLP sink in its own process (its CPU is not the exporter's): accepts POSTs on 127.0.0.1, answers 200
// with an empty body, and reports the size of the last request over IPC when asked.
import { createServer } from 'node:http';

let lastBytes = 0;
let requests = 0;
const server = createServer((req, res) => {
  let bytes = 0;
  req.on('data', (d: Buffer) => (bytes += d.length));
  req.on('end', () => {
    lastBytes = bytes;
    requests++;
    res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/x-protobuf', 'content-length': '0' });
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ ok: true, value: { port: typeof address === 'object' && address ? address.port : 0 } });
});
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'stats') process.send?.({ ok: true, value: { lastBytes, requests } });
  else if (m.cmd === 'finish') {
    process.send?.({ ok: true, value: {} });
    server.close();
    setImmediate(() => process.exit(0));
  }
});
