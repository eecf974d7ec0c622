// The resource: SDK defaults, a few process facts, then OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME
// (which win). Command-line arguments are deliberately left out (they can hold secrets and would show
// up in target_info). service.instance.id is a fresh UUID unless set, so that several processes of one
// service stay separate series behind a collector.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Attributes } from '@opentelemetry/api';
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';

export function createResource(extra: Attributes = {}): Resource {
  return defaultResource()
    .merge(
      resourceFromAttributes({
        'service.instance.id': randomUUID(),
        'host.name': hostname(),
        'process.pid': process.pid,
        'process.runtime.name': 'nodejs',
        'process.runtime.version': process.versions.node,
        ...extra,
      }),
    )
    .merge(detectResources({ detectors: [envDetector] }));
}
