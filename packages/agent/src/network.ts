// The `network` of a component: a mode Podman knows, or the name of a network to create.
import type { ServiceSpec } from '@mcp/proto';

/**
 * Modes that name no network to create (`host`, `container:`, `ns:` and any mode with options
 * are refused by the spec rules, `none` without routes is allowed).
 */
const MODES = new Set(['', 'bridge', 'default', 'private', 'slirp4netns', 'pasta']);
const MODE_PREFIXES = ['container:', 'ns:', 'bridge:', 'slirp4netns:', 'pasta:'];

/** The networks the components name, each once: they must exist before containers join them. */
export function namedNetworks(spec: ServiceSpec): string[] {
  const named = spec.components
    .map((c) => c.network)
    .filter((n) => n !== 'none' && !MODES.has(n) && !MODE_PREFIXES.some((p) => n.startsWith(p)));
  return [...new Set(named)];
}
