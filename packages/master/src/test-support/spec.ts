// Service definitions for the master's tests, written as operators write them.
import type { ServiceSpec } from '@mcp/proto';
import { parseServiceDefinition } from '@mcp/scheduler';

/** A one-component service; `node` is a node, a pool, or empty for any node. */
export function serviceSpec(name: string, node = '', memory = '256Mi'): ServiceSpec {
  const toml = [
    `name = "${name}"`,
    node ? `node = "${node}"` : '',
    '[[components]]',
    `name = "${name}"`,
    `image = "registry.test:5000/${name}:v1"`,
    '[components.resources]',
    `memory = "${memory}"`,
  ].join('\n');
  return parseServiceDefinition(toml, `${name}.toml`);
}
