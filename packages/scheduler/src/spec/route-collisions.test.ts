import { describe, expect, it } from 'vitest';

import { DefinitionError } from './errors.js';
import { parseServiceDefinition } from './parse.js';

/** A definition of service `web` whose components hold the given routes (TOML lines each). */
function definition(components: string[][]): string {
  const head = 'name = "web"\nnode = "rift"\n';
  const body = components.map((routes, i) => {
    const tables = routes.map((r, k) => `[[components.routes]]\nname = "r${k}"\n${r}\n`);
    return `[[components]]\nname = "c${i}"\nimage = "r.local/web:v1"\n${tables.join('')}`;
  });
  return head + body.join('\n');
}

function refusal(components: string[][]): DefinitionError | undefined {
  try {
    parseServiceDefinition(definition(components), 'web.toml');
    return undefined;
  } catch (err) {
    if (err instanceof DefinitionError) return err;
    throw err;
  }
}

const l7 = (port: number, more = '') => `port = ${port}\nmode = "l7"\n${more}`;
const host = (name: string) => `hostname = "${name}"\n`;
const pub = (name: string) => `hostname = "${name}"\npublic = true\n`;

describe('checkRouteCollisions', () => {
  it.each([
    {
      what: 'two routes without a hostname on one listener',
      components: [[l7(443), l7(443)]],
      path: 'components[0].routes[1]',
      reason: 'listener 443 with the internal hostname is already used by components[0].routes[0]',
    },
    {
      what: 'two routes of different components on one listener, no hostname',
      components: [[l7(443)], [l7(443)]],
      path: 'components[1].routes[0]',
      reason: 'listener 443 with the internal hostname is already used by components[0].routes[0]',
    },
    {
      what: 'two routes with one hostname, compared lower-case',
      components: [[l7(443, host('dup.example.net')), l7(443, host('DUP.Example.NET'))]],
      path: 'components[0].routes[1]',
      reason:
        "listener 443 with hostname 'dup.example.net' is already used by components[0].routes[0]",
    },
    {
      what: 'a public route and a route without hostname (both internal on the node)',
      components: [[l7(443), l7(443, pub('web.example.net'))]],
      path: 'components[0].routes[1]',
      reason: 'listener 443 with the internal hostname is already used by components[0].routes[0]',
    },
    {
      what: 'two public routes with different names on one listener (both internal on the node)',
      components: [[l7(443, pub('a.example.net')), l7(443, pub('b.example.net'))]],
      path: 'components[0].routes[1]',
      reason: 'listener 443 with the internal hostname is already used by components[0].routes[0]',
    },
    {
      what: 'two public routes with one public name on one listener (the edge clash)',
      components: [[l7(443, pub('web.example.net'))], [l7(443, pub('WEB.example.net'))]],
      path: 'components[1].routes[0]',
      reason:
        "listener 443 with public hostname 'web.example.net' is already used by components[0].routes[0]",
    },
  ])('checkRouteCollisions refuses $what', ({ components, path, reason }) => {
    const err = refusal(components);

    expect(err?.path).toBe(path);
    expect(err?.reason).toBe(reason);
  });

  it.each([
    { what: 'one listener, different hostnames', components: [[l7(443, host('a')), l7(443)]] },
    { what: 'one hostname, different listeners', components: [[l7(443), l7(8443)]] },
    {
      what: 'a public route and a route with its public name as hostname',
      components: [[l7(443, pub('web.example.net')), l7(443, host('web.example.net'))]],
    },
    {
      what: 'public routes with one name on different listeners',
      components: [[l7(443, pub('web.example.net')), l7(8443, pub('web.example.net'))]],
    },
  ])('checkRouteCollisions accepts $what', ({ components }) => {
    expect(refusal(components)).toBeUndefined();
  });
});
