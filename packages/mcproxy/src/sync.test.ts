import { rm } from 'node:fs/promises';

import { afterAll, beforeAll, expect, test } from 'vitest';

import { entry, standIn } from '../test/proxy.js';
import { ProxyClient } from './client.js';
import { isEmptyDiff, syncRoutes } from './sync.js';

let env: Awaited<ReturnType<typeof standIn>>;
let client: ProxyClient;
let port: number;

beforeAll(async () => {
  env = await standIn();
  port = env.ports[0] as number;
  client = new ProxyClient(env.proxy.socketPath);
});

afterAll(async () => {
  client.close();
  await env.close();
});

test('syncRoutes adds missing, rewrites changed, removes released and leaves foreign routes', async () => {
  const foreign = entry({ listenerPort: port, hostname: 'operator.example.net' });
  const stale = entry({
    listenerPort: port,
    hostname: 'moved.svc.mcp.test',
    backend: '127.0.0.2:1',
  });
  const released = entry({ listenerPort: port, hostname: 'old.svc.mcp.test' });
  for (const r of [foreign, stale, released]) await client.addRoute(r);
  const moved = { ...stale, backend: '127.0.0.3:2' };
  const fresh = entry({ listenerPort: port, hostname: 'new.svc.mcp.test' });

  const diff = await syncRoutes(client, [moved, fresh], { release: [released] });
  const again = await syncRoutes(client, [moved, fresh], { release: [released] });

  expect(diff.add).toEqual([fresh]);
  expect(diff.update).toEqual([{ current: stale, desired: moved }]);
  expect(diff.remove).toEqual([released]);
  expect(isEmptyDiff(again)).toBe(true);
  const hostnames = (await client.listRoutes()).map((r) => [r.hostname, r.backend]);
  expect(hostnames).toEqual([
    ['moved.svc.mcp.test', '127.0.0.3:2'],
    ['new.svc.mcp.test', '127.0.0.1:9'],
    ['operator.example.net', '127.0.0.1:9'],
  ]);
});

test('syncRoutes puts the wanted routes back after the proxy lost its database', async () => {
  const wanted = [entry({ listenerPort: port, hostname: 'kept.svc.mcp.test' })];
  await syncRoutes(client, wanted);

  await env.proxy.stop();
  await rm(env.proxy.dbPath);
  await env.proxy.start();
  const lost = await client.listRoutes();
  const diff = await syncRoutes(client, wanted);

  expect(lost).toEqual([]);
  expect(diff.add).toEqual(wanted);
  expect(await client.listRoutes()).toEqual(wanted);
});
