// Issue 2: bad input gets a clear error and changes nothing on any node.
import { exampleService, startFleet, type Fleet, type FleetAgent } from '@mcp/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { masterClient, podmanContainers } from './helpers.js';

let fleet: Fleet;
let master: ReturnType<typeof masterClient>;

beforeAll(async () => {
  fleet = await startFleet({ nodes: ['rift', 'orion'] });
  master = masterClient(fleet);
});

afterAll(async () => {
  await fleet?.stop();
});

async function expectNothingChanged(): Promise<void> {
  expect((await master.listServices({ node: '' })).services).toEqual([]);
  for (const agent of Object.values(fleet.agents) as FleetAgent[]) {
    expect(await podmanContainers(agent)).toEqual([]);
  }
}

describe('mcp deploy with bad input', () => {
  it.each([
    {
      what: 'an unknown node',
      toml: () => exampleService({ name: 'bad', node: 'nowhere', image: fleet.images.v1 }),
      error: /no node or pool named 'nowhere'/,
    },
    {
      what: 'malformed TOML',
      toml: () => 'name = "bad"\n\n[[components]\nname = "x"\n',
      error: /bad\.toml.*line 3/,
    },
    {
      what: 'a route without a port',
      toml: () =>
        exampleService({ name: 'bad', image: fleet.images.v1 }).replace('port = 443\n', ''),
      error: /components\[0\]\.routes\[0\]\.port.*required/,
    },
    {
      what: 'a duplicate component name',
      toml: () =>
        `${exampleService({ name: 'bad', image: fleet.images.v1 })}\n[[components]]\nname = "web"\nimage = "${fleet.images.v2}"\n`,
      error: /components\[1\]\.name.*duplicate component 'web'/,
    },
    {
      what: 'an image missing from the registry',
      toml: () => exampleService({ name: 'bad', image: fleet.images.v1.replace(':v1', ':v404') }),
      error: /pull.*v404/,
    },
  ])('refuses $what with a clear error and changes nothing', async ({ toml, error }) => {
    fleet.writeService('bad', toml());
    const out = await fleet.mcp(['deploy', 'bad']);
    expect(out.code).not.toBe(0);
    expect(out.stdout + out.stderr).toMatch(error);
    expect(out.stderr).not.toMatch(/\n\s+at /);
    await expectNothingChanged();
  });
});
