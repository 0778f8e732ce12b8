// The `network` of a component: a mode Podman knows, or the name of a network to create.
import type { ServiceSpec } from '@mcp/proto';
import { DefinitionError, WIRE_FILE } from '@mcp/scheduler';

/** Modes that name no network to create; `host` and `none` are checked apart. */
const MODES = new Set(['', 'bridge', 'default', 'private', 'slirp4netns', 'pasta']);
const MODE_PREFIXES = ['container:', 'ns:', 'bridge:', 'slirp4netns:', 'pasta:'];

/**
 * Refuses networks the agent cannot honour. `host` would publish a component on every
 * interface while the agent reports (and the edge routes to) the node's address alone; `none`
 * leaves a component's routes unreachable.
 * @throws DefinitionError naming `components[i].network`.
 */
export function checkNetworks(spec: ServiceSpec): void {
  spec.components.forEach((c, i) => {
    const where = { file: WIRE_FILE, path: `components[${i}].network` };
    if (c.network === 'host') {
      throw new DefinitionError(
        where,
        "'host' is not supported: host ports are published on the node's address only",
      );
    }
    if (c.network === 'none' && c.routes.length > 0) {
      throw new DefinitionError(where, "'none' leaves the component's routes unreachable");
    }
  });
}

/** The networks the components name, each once: they must exist before containers join them. */
export function namedNetworks(spec: ServiceSpec): string[] {
  const named = spec.components
    .map((c) => c.network)
    .filter((n) => n !== 'none' && !MODES.has(n) && !MODE_PREFIXES.some((p) => n.startsWith(p)));
  return [...new Set(named)];
}
