// What a local TCP port is bound to, read from /proc/net/tcp{,6} (Linux): the test checks the address
// the Prometheus server actually listens on, not only that some URL answers.
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

const LISTEN = '0A';

function decodeV4(hex: string): string {
  const n = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16)).reverse();
  return n.join('.');
}

/** Local addresses listening on `port` ('127.0.0.1', '0.0.0.0', '::', '::1', or a v6 hex string). */
export function listeningAddresses(port: number): string[] {
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== LISTEN) continue;
      const [addr, portHex] = cols[1]!.split(':');
      if (parseInt(portHex!, 16) !== port) continue;
      if (addr!.length === 8) out.push(decodeV4(addr!));
      else if (addr === '00000000000000000000000000000000') out.push('::');
      else if (addr === '00000000000000000000000001000000') out.push('::1');
      else out.push(addr!);
    }
  }
  return out;
}

/** A non-loopback IPv4 address of this machine, if it has one. */
export function externalIPv4(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (i.family === 'IPv4' && !i.internal) return i.address;
  }
  return undefined;
}
