import { describe, expect, it } from 'vitest';
import { syncHooksSupported } from '../src/esm-loader.js';

describe('synchronous hooks: the Node versions that run them correctly (nodejs/node#59929)', () => {
  it.each([
    ['20.19.0', false],
    ['22.15.0', false],
    ['22.22.2', false],
    ['22.22.3', true],
    ['22.23.0', true],
    ['23.11.0', false],
    ['24.11.0', false],
    ['24.11.1', true],
    ['24.22.3', true],
    ['25.0.9', false],
    ['25.1.0', true],
    ['26.0.0-nightly20261201', true],
    ['27.1.0', true],
  ])('%s: %s', (version, supported) => expect(syncHooksSupported(version)).toBe(supported));
});
