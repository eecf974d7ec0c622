// The resource: SDK defaults, a few process facts, then OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME
// (which win). Command-line arguments are deliberately left out (they can hold secrets and would show
// up in target_info). service.instance.id is a fresh UUID unless set, so that several processes of one
// service stay separate series behind a collector.
import { hostname } from 'node:os';
import type { Attributes } from '@opentelemetry/api';
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';

/**
 * Resource attributes copied onto every series as labels (`service_name`, `service_namespace`,
 * `deployment_environment_name`), the rest staying in `target_info` only. The collector configs
 * (otel-collector/*.yaml, `resource_constant_labels.included`) promote exactly this list, so a series
 * scraped from the app and one that went through the collector carry the same labels and a dashboard
 * filter on the environment sees both. A test keeps the YAML lists equal to this one.
 */
export const RESOURCE_LABEL_ATTRIBUTES = ['service.name', 'service.namespace', 'deployment.environment.name'] as const;

/**
 * The pattern exporter-prometheus's `withResourceConstantLabels` takes. It is matched with
 * `String.prototype.match` (unanchored), so it is anchored and escaped here: `service.name` must not
 * also pick up `service.name.suffix` or `myservice_name`.
 */
export function resourceLabelPattern(attributes: readonly string[] = RESOURCE_LABEL_ATTRIBUTES): RegExp {
  const escaped = attributes.map((a) => a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^(?:${escaped.join('|')})$`);
}

/**
 * A random (version 4) UUID from Math.random, which V8 seeds from the OS's entropy in every process. Not
 * node:crypto's randomUUID: loading node:crypto initialises OpenSSL, which costs an empty script more
 * start-up memory than the rest of the resource, for an id that must be unique but not secret.
 */
export function randomInstanceId(random: () => number = Math.random): string {
  let id = '';
  for (let i = 0; i < 32; i++) {
    let digit = Math.floor(random() * 16);
    if (i === 12) digit = 4; // version
    else if (i === 16) digit = 8 | (digit & 3); // variant 10xx
    id += digit.toString(16);
    if (i === 7 || i === 11 || i === 15 || i === 19) id += '-';
  }
  return id;
}

export function createResource(extra: Attributes = {}): Resource {
  return defaultResource()
    .merge(
      resourceFromAttributes({
        'service.instance.id': randomInstanceId(),
        'host.name': hostname(),
        'process.pid': process.pid,
        'process.runtime.name': 'nodejs',
        'process.runtime.version': process.versions.node,
        ...extra,
      }),
    )
    .merge(detectResources({ detectors: [envDetector] }));
}
