import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, test } from 'vitest';

import { cleanupAll } from './cleanup.js';
import { httpRequest, unixRequest } from './http.js';
import { buildTestImage } from './image.js';
import { allocateLoopbackAddress, freePort } from './net.js';
import type { Podman } from './podman.js';
import { startPodman } from './podman.js';
import type { Registry } from './registry.js';
import { startRegistry } from './registry.js';
import { waitFor } from './wait.js';

// Two instances side by side, as two agents of one test fleet would have them.
const base = await mkdtemp(join(tmpdir(), 'mcp-testkit-isolation-'));
let registry: Registry;
let first: Podman;
let second: Podman;
let ref: string;

beforeAll(async () => {
  registry = await startRegistry({ dir: join(base, 'registry') });
  const insecureRegistries = [registry.address];
  [first, second] = await Promise.all([
    startPodman({ dir: join(base, 'first'), insecureRegistries }),
    startPodman({ dir: join(base, 'second'), insecureRegistries }),
  ]);
  [ref] = (await buildTestImage({ podman: first, registry, tags: ['v1'] })) as [string];
});

afterAll(async () => {
  await cleanupAll();
  await rm(base, { recursive: true, force: true });
});

test('startPodman instances get distinct bridges and subnets', () => {
  expect(first.network.bridge).not.toBe(second.network.bridge);
  expect(first.network.subnet).not.toBe(second.network.subnet);
});

test('startPodman instances see only their own containers', async () => {
  await first.podman(['create', '--name', 'only-in-first', ref]);

  const listed = await unixRequest({
    socketPath: second.socketPath,
    path: '/v1.41/containers/json?all=1',
  });

  expect(JSON.parse(listed.body)).toEqual([]);
  expect(await second.podman(['ps', '--all', '--quiet'])).toBe('');
  expect(await first.podman(['ps', '--all', '--format', '{{.Names}}'])).toBe('only-in-first\n');
});

test('startPodman instances publish ports side by side at the same time', async () => {
  const host = allocateLoopbackAddress();
  const ports = [await freePort(host), await freePort(host)];

  // Both start their container at once, so both netavarks edit the firewall together.
  await Promise.all(
    [first, second].map((podman, i) =>
      podman.podman([
        ...['run', '-d', '--name', `web-${i}`, '-p', `${host}:${ports[i]}:8080`, ref],
        ...[
          'sh',
          '-c',
          `mkdir -p /srv/w && echo ${i} > /srv/w/who && exec httpd -f -p 8080 -h /srv/w`,
        ],
      ]),
    ),
  );
  const answers = await Promise.all(
    ports.map((port) =>
      waitFor(
        async () => {
          const res = await httpRequest(`http://${host}:${port}/who`, { timeoutMs: 1_000 });
          return res.status === 200 && res.body;
        },
        { what: `httpd on ${host}:${port}` },
      ),
    ),
  );

  expect(answers).toEqual(['0\n', '1\n']);
});
