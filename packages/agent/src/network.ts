// The `network` of a component: a mode Podman knows, or the name of a network to create.
import type { ServiceSpec } from '@mcp/proto';

/**
 * Modes that name no network to create (`host`, and `container:`, `ns:` and every other mode
 * with options after ':', are refused by the spec rules; `none` without routes is allowed).
 */
const MODES = new Set(['', 'none', 'bridge', 'default', 'private', 'slirp4netns', 'pasta']);

/** The networks the components name, each once: they must exist before containers join them. */
export function namedNetworks(spec: ServiceSpec): string[] {
  const named = spec.components.map((c) => c.network).filter((n) => !MODES.has(n));
  return [...new Set(named)];
}
