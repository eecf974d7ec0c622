// One list of resource attributes becomes labels on both paths: @genai-meter/node's Prometheus exporter
// (RESOURCE_LABEL_ATTRIBUTES) and every collector exporter that writes Prometheus series
// (otel-collector/*.yaml, resource_constant_labels.included). The mixin's rules and dashboards group and
// filter by labels derived from the same attribute names. The collector adds one: `cluster`, which its
// transform/semconv copies from k8s.cluster.name, the label multi-cluster stores group by (the mixin's
// extraGroupingLabels); on the direct-scrape path Prometheus' external_labels give it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { L, labelName } from '../../packages/mixin/src/index.js';
import { RESOURCE_LABEL_ATTRIBUTES, resourceLabelPattern } from '../../packages/node/src/resource.js';
import { REPO_ROOT } from '../support/tools.js';

type Exporters = Record<string, { resource_constant_labels?: { included?: string[] } }>;

function constantLabelLists(config: string): Record<string, string[] | undefined> {
  const doc = parse(readFileSync(join(REPO_ROOT, 'otel-collector', config), 'utf8')) as { exporters?: Exporters };
  return Object.fromEntries(
    Object.entries(doc.exporters ?? {})
      .filter(([name]) => /^prometheus(remotewrite|_remote_write)?(\/|$)/.test(name))
      .map(([name, e]) => [name, e.resource_constant_labels?.included]),
  );
}

const COLLECTOR_LABEL_ATTRIBUTES = [...RESOURCE_LABEL_ATTRIBUTES, 'cluster'];

describe('resource attributes promoted to labels', () => {
  it('the sidecar promotes the node package list and the cluster, on the scrape endpoint and on remote write', () => {
    expect(constantLabelLists('sidecar.yaml')).toEqual({ prometheus: COLLECTOR_LABEL_ATTRIBUTES });
    expect(constantLabelLists('sidecar-remote-write.yaml')).toEqual({ prometheus_remote_write: COLLECTOR_LABEL_ATTRIBUTES });
  });

  it('the gateway promotes the same list', () => {
    expect(constantLabelLists('gateway.yaml')).toEqual({ prometheus_remote_write: COLLECTOR_LABEL_ATTRIBUTES });
  });

  it('the mixin groups by service and filters by environment on labels of that list', () => {
    const labels = RESOURCE_LABEL_ATTRIBUTES.map(labelName);
    expect(labels).toEqual(['service_name', 'service_namespace', 'deployment_environment_name']);
    expect(labels).toContain(L.service);
    expect(labels).toContain(L.environment);
  });

  it('the exporter pattern matches the listed attributes only (exporter-prometheus matches unanchored)', () => {
    const re = resourceLabelPattern();
    expect(RESOURCE_LABEL_ATTRIBUTES.filter((a) => re.test(a))).toEqual([...RESOURCE_LABEL_ATTRIBUTES]);
    for (const other of ['service.name.alias', 'myservice.name', 'service_name', 'serviceXname', 'deployment.environment', 'service.instance.id', 'host.name']) {
      expect(re.test(other), other).toBe(false);
    }
  });
});
