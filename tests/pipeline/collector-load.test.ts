// A short run of the gateway-tier load test (collector-load.ts; the full run and its figures are in
// docs/collector-gateway.md#measured): 40 services through the router and two gateways, with TLS, the
// token and the persistent queues on. Nothing may be refused or dropped, and every sample the SDKs
// exported must be in Prometheus.

import { expect, it } from 'vitest';
import { formatLoad, runLoad } from './collector-load.js';

it('40 services through router and gateways: every exported sample is stored, nothing refused or dropped', async () => {
  const result = await runLoad({ services: 40, modelsPerService: 3, intervalMs: 1_000, callsPerInterval: 4, gateways: 2, warmupS: 5, durationS: 10 });
  console.log(formatLoad(result));
  expect(result.otlpPointsPerS).toBeGreaterThan(500);
  const { refused, dropped, remoteWriteRetried, sdkExportFailures } = result;
  expect({ refused, dropped, remoteWriteRetried, sdkExportFailures }).toEqual({ refused: 0, dropped: 0, remoteWriteRetried: 0, sdkExportFailures: 0 });
  expect(result.expectedSamples).toBeGreaterThan(1_000);
  expect(result.foundSamples).toBe(result.expectedSamples);
}, 120_000);
