import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, expect, test } from 'vitest';

import { cleanupAll } from './cleanup.js';
import { httpRequest } from './http.js';
import { allocateLoopbackAddress, freePort } from './net.js';
import { processAlive } from './process.js';
import { startRegistry } from './registry.js';

const base = await mkdtemp(join(tmpdir(), 'mcp-testkit-registry-'));

afterAll(async () => {
  await cleanupAll();
  await rm(base, { recursive: true, force: true });
});

test('startRegistry answers /v2/ on a free port and removes its process and dir on stop', async () => {
  const registry = await startRegistry({ dir: join(base, 'free-port') });

  const res = await httpRequest(`http://${registry.address}/v2/`);
  await registry.stop();

  expect(res.status).toBe(200);
  expect(registry.address).toMatch(/^127\.0\.0\.1:\d+$/);
  expect(processAlive(registry.pid)).toBe(false);
  expect(existsSync(registry.dir)).toBe(false);
});

test('startRegistry listens on the host and port it is given', async () => {
  const host = allocateLoopbackAddress();
  const port = await freePort(host);

  const registry = await startRegistry({ dir: join(base, 'fixed'), host, port });

  expect(registry.address).toBe(`${host}:${port}`);
  expect((await httpRequest(`http://${host}:${port}/v2/_catalog`)).body).toContain('repositories');
  await registry.stop();
});
