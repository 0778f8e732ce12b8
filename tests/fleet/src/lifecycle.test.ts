// Issue 2 end to end: the CLI deploys through the master to a Podman-backed agent on `rift`.
import { join } from 'node:path';

import { exampleService, startFleet, type Fleet, type FleetAgent } from '@mcp/testkit';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  firstAddress,
  get,
  masterClient,
  podmanContainers,
  waitUntil,
  writeSrvFile,
} from './helpers.js';

let fleet: Fleet;
let rift: FleetAgent;
let master: ReturnType<typeof masterClient>;

beforeAll(async () => {
  fleet = await startFleet({ nodes: ['rift', 'orion'] });
  rift = fleet.agents.rift as FleetAgent;
  master = masterClient(fleet);
});

afterAll(async () => {
  await fleet?.stop();
});

async function status(name: string) {
  return (await master.status({ service: name })).service;
}

describe('mcp deploy on one node', () => {
  it('deploy serves the volume file on rift and ps shows version and node', async () => {
    writeSrvFile(rift, 'hello', 'index.html', 'hello from mcp\n');
    fleet.writeService('hello', exampleService({ image: fleet.images.v1 }));

    const out = await fleet.mcp(['deploy', 'hello']);
    expect(out.code, out.stderr).toBe(0);

    const address = firstAddress(await status('hello'));
    expect(address.startsWith(`${rift.address}:`)).toBe(true);
    expect((await get(`http://${address}/index.html`)).body).toBe('hello from mcp\n');

    const ps = await fleet.mcp(['ps']);
    expect(ps.code, ps.stderr).toBe(0);
    const row = ps.stdout.split('\n').find((l) => l.includes('hello'));
    expect(row).toMatch(/rift/);
    expect(row).toMatch(/v1/);
    expect(row).toMatch(/running/);
  });

  it('redeploy with a new tag replaces the container and keeps the volume data', async () => {
    const before = await status('hello');
    writeSrvFile(rift, 'hello', 'data.txt', 'kept\n');
    fleet.writeService('hello', exampleService({ image: fleet.images.v2 }));

    const out = await fleet.mcp(['deploy', 'hello']);
    expect(out.code, out.stderr).toBe(0);

    const after = await status('hello');
    expect(after?.components[0]?.version).toBe('v2');
    expect(after?.components[0]?.containerId).not.toBe(before?.components[0]?.containerId);
    expect(firstAddress(after)).toBe(firstAddress(before));
    expect((await get(`http://${firstAddress(after)}/data.txt`)).body).toBe('kept\n');
    expect((await podmanContainers(rift)).filter((c) => c.name.startsWith('hello'))).toHaveLength(
      1,
    );
  });

  it('stop, start and restart each do what they say', async () => {
    const url = `http://${firstAddress(await status('hello'))}/index.html`;

    expect((await fleet.mcp(['stop', 'hello'])).code).toBe(0);
    expect((await status('hello'))?.components[0]?.state).toBe('exited');
    expect((await get(url)).status).toBe(0);

    expect((await fleet.mcp(['start', 'hello'])).code).toBe(0);
    expect((await status('hello'))?.components[0]?.state).toBe('running');
    await expectServes(url);

    const started = (await status('hello'))?.components[0]?.startedAtMs ?? 0;
    expect((await fleet.mcp(['restart', 'hello'])).code).toBe(0);
    const again = (await status('hello'))?.components[0];
    expect(again?.state).toBe('running');
    expect(again?.startedAtMs).toBeGreaterThan(started);
    await expectServes(url);
  });

  it('an agent killed and restarted leaves containers running and reports them again', async () => {
    const service = await status('hello');
    const before = service?.components[0];
    const url = `http://${firstAddress(service)}/index.html`;
    await rift.kill();
    expect((await get(url)).status).toBe(200);

    await rift.start();
    const after = (await status('hello'))?.components[0];
    expect(after?.state).toBe('running');
    expect(after?.containerId).toBe(before?.containerId);
    expect(after?.restartCount).toBe(before?.restartCount);
    expect(after?.startedAtMs).toBe(before?.startedAtMs);
  });

  it('logs returns the container output and -f follows until interrupted', async () => {
    const logs = await fleet.mcp(['logs', 'hello']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('serving /srv/hello on');

    const follow = fleet.spawnMcp(['logs', '-f', 'hello']);
    let seen = '';
    follow.stdout.on('data', (d: Buffer) => (seen += d.toString()));
    follow.stderr.on('data', (d: Buffer) => (seen += d.toString()));
    const exited = new Promise<number | null>((r) => follow.on('close', r));
    try {
      await waitUntil(() => seen.includes('serving /srv/hello on'), 'the first log lines', 10_000);
      // busybox httpd -v logs one "response:" line per request: one must arrive while following.
      const before = seen.split('response:').length;
      await get(`http://${firstAddress(await status('hello'))}/followed`);
      await waitUntil(
        () => seen.split('response:').length > before,
        'a line logged while following',
      );
    } finally {
      follow.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('undeploy leaves no container, port or registry row', async () => {
    const url = `http://${firstAddress(await status('hello'))}/index.html`;
    const out = await fleet.mcp(['undeploy', 'hello']);
    expect(out.code, out.stderr).toBe(0);

    expect((await podmanContainers(rift)).filter((c) => c.name.startsWith('hello'))).toEqual([]);
    expect((await get(url)).status).toBe(0);
    const db = new Database(join(rift.stateDir, 'agent.db'), { readonly: true });
    try {
      for (const table of ['services', 'components', 'ports']) {
        expect(db.prepare(`select count(*) as n from ${table}`).get()).toEqual({ n: 0 });
      }
    } finally {
      db.close();
    }
    const ps = await fleet.mcp(['status', 'hello']);
    expect(ps.code).not.toBe(0);
    expect(ps.stderr).toMatch(/hello/);
  });
});

async function expectServes(url: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if ((await get(url)).status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect((await get(url)).status).toBe(200);
}
