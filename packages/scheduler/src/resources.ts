// What a service asks for: each component's request with documented defaults for the fields
// the operator left out, summed over the components. Placement, admission and the master's
// bookkeeping all count a service by these totals.
import type { ComponentSpec, Resources, ServiceSpec } from '@mcp/proto';

/**
 * The request assumed for each resource field a component leaves at zero: 100 millicores of
 * CPU, 64 MiB of memory, no disk. Small enough for a Raspberry Pi, large enough that services
 * declaring nothing still count against a node and spread out.
 */
export const DEFAULT_RESOURCES: Readonly<Resources> = Object.freeze({
  cpuMillis: 100,
  memoryBytes: 64 * 2 ** 20,
  diskBytes: 0,
});

/** A component's request, with `DEFAULT_RESOURCES` in place of its zero (or absent) fields. */
export function componentResources(component: ComponentSpec): Resources {
  const asked = component.resources;

  return {
    cpuMillis: asked?.cpuMillis || DEFAULT_RESOURCES.cpuMillis,
    memoryBytes: asked?.memoryBytes || DEFAULT_RESOURCES.memoryBytes,
    diskBytes: asked?.diskBytes || DEFAULT_RESOURCES.diskBytes,
  };
}

/** A whole service's request: the sum of its components' requests, defaults applied. */
export function serviceResources(spec: ServiceSpec): Resources {
  let total = emptyResources();
  for (const component of spec.components) {
    total = addResources(total, componentResources(component));
  }
  return total;
}

/** Field-wise sum; an absent operand counts as zero. */
export function addResources(a: Resources | undefined, b: Resources | undefined): Resources {
  return {
    cpuMillis: (a?.cpuMillis ?? 0) + (b?.cpuMillis ?? 0),
    memoryBytes: (a?.memoryBytes ?? 0) + (b?.memoryBytes ?? 0),
    diskBytes: (a?.diskBytes ?? 0) + (b?.diskBytes ?? 0),
  };
}

/** Zero CPU, memory and disk. */
export function emptyResources(): Resources {
  return { cpuMillis: 0, memoryBytes: 0, diskBytes: 0 };
}
