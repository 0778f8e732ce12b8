import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { RouteMode } from '@mcp/proto';
import { describe, expect, it } from 'vitest';

import { DefinitionError } from '../src/spec/errors.js';
import { parseServiceDefinition, validateServiceSpec } from '../src/spec/parse.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/services');

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
      'a volume holding a NUL',
      BASE.replace('/srv/web:/srv', '/srv/web/a\\u0000b:/srv'),
      'components[0].volumes[0]',
      /control character U\+0000; a path may not/,
    ],
    [
      'a volume holding a newline',
      BASE.replace('/srv/web:/srv', '/srv/web/a\\nb:/srv'),
      'components[0].volumes[0]',
      /control character U\+000A/,
    ],
    [
      'an environment entry holding a NUL',
      `${BASE}env = ["A=b\\u0000c"]\n`,
      'components[0].env[0]',
      /NUL character/,
    ],
    [
      'a user holding a NUL',
      `${BASE}user = "a\\u0000b"\n`,
      'components[0].user',
      /must be user\[:group\]/,
    ],
    [
      'a user with a newline',
      `${BASE}user = "nobody\\nroot"\n`,
      'components[0].user',
      /must be user\[:group\]/,
    ],
    [
      'a command argument holding a NUL',
      `${BASE}cmd = ["sh", "-c\\u0000x"]\n`,
      'components[0].cmd[1]',
      /NUL character/,
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
    ['an empty component list', 'name = "web"\ncomponents = []\n', 'components', /at least one/],
  ])('refuses %s with the field path', (_what, text, path, reason) => {
    const err = failure(text);
    expect(err.path).toBe(path);
    expect(err.reason).toMatch(reason);
    expect(err.message).toContain(`'web.toml'`);
  });

  it.each([
    [
      'a number for a name',
      BASE.replace('name = "web"\nnode', 'name = 5\nnode'),
      'name',
      'string',
      'integer',
    ],
    [
      'a string for a port',
      `${BASE}\n[[components.routes]]\nport = "443"\n`,
      'components[0].routes[0].port',
      'number',
      'string',
    ],
    ['a string for cmd', `${BASE}cmd = "sleep"\n`, 'components[0].cmd', 'array', 'string'],
    [
      'a string for active',
      BASE.replace('node =', 'active = "yes"\nnode ='),
      'active',
      'boolean',
      'string',
    ],
    [
      'a float for a port',
      `${BASE}\n[[components.routes]]\nport = 1.5\n`,
      'components[0].routes[0].port',
      'integer',
      'float',
    ],
    ['a date for a name', 'name = 1979-05-27\ncomponents = []\n', 'name', 'string', 'date-time'],
    [
      'a table for a component',
      'name = "web"\ncomponents = [[1]]\n',
      'components[0]',
      'table',
      'array',
    ],
  ])('refuses %s as a wrong type, not a missing field', (_what, text, path, expected, got) => {
    const err = failure(text);

    expect(err.path).toBe(path);
    expect(err.reason).toBe(`expected ${expected}, got ${got}`);
  });

  it.each([
    ['memory', 'true', 'boolean', /"256Mi"/],
    ['disk', '[1]', 'array', /bytes as a number/],
    ['cpu', '{ n = 1 }', 'table', /"250m"/],
  ])('refuses %s = %s naming the forms the field accepts', (field, value, got, forms) => {
    const err = failure(`${BASE}\n[components.resources]\n${field} = ${value}\n`);

    expect(err.path).toBe(`components[0].resources.${field}`);
    expect(err.reason).toMatch(new RegExp(`^expected .*, got ${got}$`));
    expect(err.reason).toMatch(forms);
  });

  it.each([
    ['cpu = 1e300', 'cpu', /too large \(at most 1000000 cores\)/],
    ['cpu = inf', 'cpu', /^expected cores .*, got float \(Infinity\)$/],
    ['cpu = "2000000"', 'cpu', /too large/],
    ['memory = "99999999999999999999Ti"', 'memory', /too large \(at most 8192Ti\)/],
    ['disk = 1e17', 'disk', /too large/],
  ])('refuses %s with the field path', (line, field, reason) => {
    const err = failure(`${BASE}\n[components.resources]\n${line}\n`);

    expect(err.path).toBe(`components[0].resources.${field}`);
    expect(err.reason).toMatch(reason);
  });

  it.each([
    ['1e300', /between 1 and 65535/],
    ['0', /between 1 and 65535/],
    ['65536', /between 1 and 65535/],
    ['1.5', /expected integer, got float/],
    ['inf', /got float \(Infinity\)/],
  ])('refuses route port = %s', (port, reason) => {
    const err = failure(`${BASE}\n[[components.routes]]\nport = ${port}\n`);

    expect(err.path).toBe('components[0].routes[0].port');
    expect(err.reason).toMatch(reason);
  });

  it('refuses two routes whose names give one port variable, naming both', () => {
    const routes = ['a-b', 'a_b']
      .map((name, i) => `[[components.routes]]\nname = "${name}"\nport = ${i + 1}\n`)
      .join('');

    const err = failure(`${BASE}\n${routes}`);

    expect(err.path).toBe('components[0].routes[1].name');
    expect(err.reason).toBe("routes 'a-b' and 'a_b' would both pass their port as $PORT_A_B");
  });

  it.each([
    ['host', '', /'host' is refused: it publishes on every interface/],
    ['none', '\n[[components.routes]]\nport = 1\n', /'none' leaves the component's routes/],
    ['container:victim_web', '', /may not join another container's .* \(container:\)/],
    ['ns:/proc/1/ns/net', '', /arbitrary network namespace \(ns:\)/],
    ['Container:abc', '', /\(container:\)/],
    ['slirp4netns:allow_host_loopback=true', '', /network options \(after ':'\) are not accepted/],
    ['pasta:--map-gw', '', /network options \(after ':'\) are not accepted/],
    ['my net', '', /'my net' is not a network name/],
  ])('refuses network = "%s" where it cannot work', (network, routes, reason) => {
    const err = failure(`${BASE}network = "${network}"\n${routes}`);

    expect(err.path).toBe('components[0].network');
    expect(err.reason).toMatch(reason);
  });

  it.each(['0:0', 'www-data', 'mcp:mcp', '1000'])('accepts user = "%s"', (user) => {
    const spec = parseServiceDefinition(`${BASE}user = "${user}"\n`, 'web.toml');

    expect(spec.components[0]?.user).toBe(user);
  });

  it.each(['mcpnet', 'bridge', 'slirp4netns', 'pasta'])('accepts network = "%s"', (network) => {
    const spec = parseServiceDefinition(`${BASE}network = "${network}"\n`, 'web.toml');

    expect(spec.components[0]?.network).toBe(network);
  });

  it('accepts network = "none" for a component without routes', () => {
    const spec = parseServiceDefinition(`${BASE}network = "none"\n`, 'web.toml');

    expect(spec.components[0]?.network).toBe('none');
  });

  it.each([
    [
      'an upper-case registry',
      'Registry.local:5000/web:v1',
      /registry 'Registry.local:5000' must be lower case/,
    ],
    [
      'an upper-case repository',
      'registry.local:5000/Web:v1',
      /repository 'Web' must be lower case/,
    ],
    ['a non-ASCII tag', 'registry.local:5000/web:v1é', /tag 'v1é' may hold only ASCII/],
    ['a tag over 128 characters', `registry.local:5000/web:${'v'.repeat(129)}`, /longer than 128/],
    ['a short digest', 'registry.local:5000/web@sha256:abc', /not 'sha256:' followed by 64/],
    [
      'a digest of another algorithm',
      `registry.local:5000/web@md5:${'a'.repeat(64)}`,
      /not 'sha256:'/,
    ],
  ])('refuses %s at validation', (_what, image, reason) => {
    const err = failure(BASE.replace('registry.local:5000/web:v1', image));

    expect(err.path).toBe('components[0].image');
    expect(err.reason).toMatch(reason);
    expect(err.reason.length).toBeLessThan(200);
  });

  it('accepts an image pinned by a sha256 digest alone', () => {
    const image = `registry.local:5000/web@sha256:${'0a'.repeat(32)}`;

    const spec = parseServiceDefinition(BASE.replace('registry.local:5000/web:v1', image), 'w');

    expect(spec.components[0]?.image).toBe(image);
  });

  it('checks a wire spec for huge requests and a host network like a file', () => {
    const spec = parseServiceDefinition(BASE, 'web.toml');
    const component = spec.components[0];
    if (!component) throw new Error('no component');

    component.resources = { cpuMillis: 1e303, memoryBytes: 2 ** 60, diskBytes: 0 };
    expect(() => validateServiceSpec(spec)).toThrow(/resources\.cpu: must be between 0 and/);
    component.resources = { cpuMillis: 0, memoryBytes: 2 ** 60, diskBytes: 0 };
    expect(() => validateServiceSpec(spec)).toThrow(/resources\.memory: must be between 0/);
    component.resources = { cpuMillis: 0, memoryBytes: 0, diskBytes: 0 };
    component.network = 'host';
    expect(() => validateServiceSpec(spec)).toThrow(/network: 'host' is refused/);
  });

  it('names the line of malformed TOML', () => {
    const err = failure('name = "web"\n\n[[components]\nname = "x"\n');
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/web\.toml.*line 3/);
  });
});
