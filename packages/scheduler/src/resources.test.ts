import { ComponentSpec } from '@mcp/proto';
import { describe, expect, it } from 'vitest';

import {
  addResources,
  componentResources,
  DEFAULT_RESOURCES,
  serviceResources,
} from './resources.js';
import { Gi, Mi, spec } from './test-support/fleet.js';

describe('DEFAULT_RESOURCES', () => {
  it('DEFAULT_RESOURCES is 100m of CPU, 64Mi of memory and no disk, and frozen', () => {
    expect(DEFAULT_RESOURCES).toEqual({ cpuMillis: 100, memoryBytes: 64 * Mi, diskBytes: 0 });
    expect(Object.isFrozen(DEFAULT_RESOURCES)).toBe(true);
  });
});

describe('componentResources', () => {
  it.each([
    {
      desc: 'every default when resources are absent',
      resources: undefined,
      want: DEFAULT_RESOURCES,
    },
    {
      desc: 'defaults for the zero fields only',
      resources: { cpuMillis: 500, memoryBytes: 0, diskBytes: Gi },
      want: { cpuMillis: 500, memoryBytes: 64 * Mi, diskBytes: Gi },
    },
    {
      desc: 'the request as given when complete',
      resources: { cpuMillis: 1, memoryBytes: 1, diskBytes: 1 },
      want: { cpuMillis: 1, memoryBytes: 1, diskBytes: 1 },
    },
  ])('componentResources gives $desc', ({ resources, want }) => {
    expect(componentResources(ComponentSpec.fromPartial({ resources }))).toEqual(want);
  });
});

describe('serviceResources', () => {
  it('serviceResources sums the components, defaults applied', () => {
    const s = spec();
    s.components.push(ComponentSpec.fromPartial({ name: 'sidecar' }));

    expect(serviceResources(s)).toEqual({
      cpuMillis: 350,
      memoryBytes: 320 * Mi,
      diskBytes: 0,
    });
  });
});

describe('addResources', () => {
  it('addResources counts an absent operand as zero', () => {
    const one = { cpuMillis: 1, memoryBytes: 2, diskBytes: 3 };

    expect(addResources(one, undefined)).toEqual(one);
    expect(addResources(one, one)).toEqual({ cpuMillis: 2, memoryBytes: 4, diskBytes: 6 });
  });
});
