import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { RouteMode } from '@mcp/proto';
import { describe, expect, it } from 'vitest';

import { DefinitionError } from './errors.js';
import { parseServiceDefinition, validateServiceSpec } from './parse.js';

const FIXTURES = join(import.meta.dirname, '../../../../fixtures/services');

const BASE = `
name = "web"
node = "rift"

[[components]]
name = "web"
image = "registry.local:5000/web:v1"
volumes = ["/srv/web:/srv/web"]
`;

function failure(text: string): DefinitionError {
  try {
    parseServiceDefinition(text, 'web.toml');
  } catch (err) {
    if (err instanceof DefinitionError) return err;
    throw err;
  }
  throw new Error('expected a DefinitionError');
}

describe('parseServiceDefinition', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.toml'));

  it.each(files)('accepts the operator fixture %s unchanged', (file) => {
    const spec = parseServiceDefinition(readFileSync(join(FIXTURES, file), 'utf8'), file);
    expect(spec.components.length).toBeGreaterThan(0);
    expect(() => validateServiceSpec(spec)).not.toThrow();
  });

  it('reads fields, defaults and quantities of a fixture', () => {
    const spec = parseServiceDefinition(readFileSync(join(FIXTURES, 'pi-pool.toml'), 'utf8'), 'p');
    expect(spec).toMatchObject({ name: 'kls', node: 'pi-pool', active: true });
    expect(spec.components[0]?.resources).toEqual({
      cpuMillis: 250,
      memoryBytes: 128 * 2 ** 20,
      diskBytes: 0,
    });
    expect(spec.components[0]?.routes[0]).toMatchObject({
      port: 443,
      mode: RouteMode.ROUTE_MODE_L7,
    });
  });

  it.each([
    [
      'a route without a port',
      `${BASE}\n[[components.routes]]\nmode = "l4"\n`,
      'components[0].routes[0].port',
      /required/,
    ],
    [
      'a duplicate component',
      `${BASE}\n[[components]]\nname = "web"\nimage = "r/w:v2"\n`,
      'components[1].name',
      /duplicate component 'web'/,
    ],
    ['an unknown field', `${BASE}\nimgae = "x"\n`, 'components[0]', /unknown field 'imgae'/],
    ['an untagged image', BASE.replace('web:v1', 'web'), 'components[0].image', /no tag/],
    ['a :latest image', BASE.replace('web:v1', 'web:latest'), 'components[0].image', /latest/],
    [
      'a volume outside /srv/<service>',
      BASE.replace('/srv/web:/srv', '/etc:/srv'),
      'components[0].volumes[0]',
      /outside \/srv\/web/,
    ],
    [
      'a volume escaping with ..',
      BASE.replace('/srv/web:/srv', '/srv/web/../../etc:/srv'),
      'components[0].volumes[0]',
      /under \/srv\/web/,
    ],
    [
      'a bad mode',
      `${BASE}\n[[components.routes]]\nport = 1\nmode = "l9"\n`,
      'components[0].routes[0].mode',
      /'l4', 'l7'/,
    ],
    [
      'a public route without hostname',
      `${BASE}\n[[components.routes]]\nport = 443\npublic = true\n`,
      'components[0].routes[0].hostname',
      /public route/,
    ],
    [
      'two unnamed routes',
      `${BASE}\n[[components.routes]]\nport = 1\n[[components.routes]]\nport = 2\n`,
      'components[0].routes[0].name',
      /needs a name/,
    ],
    [
      'a bad quantity',
      `${BASE}\n[components.resources]\nmemory = "lots"\n`,
      'components[0].resources.memory',
      /not a quantity/,
    ],
    ['no components', 'name = "web"\n', 'components', /required/],
  ])('refuses %s with the field path', (_what, text, path, reason) => {
    const err = failure(text);
    expect(err.path).toBe(path);
    expect(err.reason).toMatch(reason);
    expect(err.message).toContain(`'web.toml'`);
  });

  it('names the line of malformed TOML', () => {
    const err = failure('name = "web"\n\n[[components]\nname = "x"\n');
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/web\.toml.*line 3/);
  });
});
