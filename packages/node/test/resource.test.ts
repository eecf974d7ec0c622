import { describe, expect, it } from 'vitest';
import { createResource, randomInstanceId } from '../src/resource.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('service.instance.id', () => {
  it('is a version 4 UUID, a fresh one per resource', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => randomInstanceId()));
    expect(ids.size).toBe(10_000);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    const a = createResource().attributes['service.instance.id'];
    expect(a).toMatch(UUID_V4);
    expect(createResource().attributes['service.instance.id']).not.toBe(a);
  });

  it('sets the version and variant bits whatever the random source returns', () => {
    expect(randomInstanceId(() => 0)).toBe('00000000-0000-4000-8000-000000000000');
    expect(randomInstanceId(() => 0.999999)).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });

  it('OTEL_RESOURCE_ATTRIBUTES still wins', () => {
    const before = process.env.OTEL_RESOURCE_ATTRIBUTES;
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'service.instance.id=pod-7';
    try {
      expect(createResource().attributes['service.instance.id']).toBe('pod-7');
    } finally {
      if (before === undefined) delete process.env.OTEL_RESOURCE_ATTRIBUTES;
      else process.env.OTEL_RESOURCE_ATTRIBUTES = before;
    }
  });
});
