import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, test } from 'vitest';

import { cleanupAll, pendingCleanups } from './cleanup.js';
import { httpRequest, unixRequest } from './http.js';
import { buildTestImage } from './image.js';
import { allocateLoopbackAddress, freePort } from './net.js';
import type { Podman } from './podman.js';
import { startPodman } from './podman.js';
import { processAlive } from './process.js';
import type { Registry } from './registry.js';
import { startRegistry } from './registry.js';
import { waitFor } from './wait.js';

// One scenario, in order: start, build and push, run a container, stop without leftovers.
const base = await mkdtemp(join(tmpdir(), 'mcp-testkit-podman-'));
let registry: Registry;
let podman: Podman;
let refs: string[];

beforeAll(async () => {
  registry = await startRegistry({ dir: join(base, 'registry') });
  podman = await startPodman({ dir: join(base, 'podman'), insecureRegistries: [registry.address] });
});

afterAll(async () => {
  await cleanupAll();
  await rm(base, { recursive: true, force: true });
});

test('startPodman serves the Docker API on its socket with its own bridge and no containers', async () => {
  const version = await api('GET', '/v1.41/version');
  const containers = await api('GET', '/v1.41/containers/json?all=true');

  expect(version.status).toBe(200);
  expect(JSON.parse(containers.body)).toEqual([]);
  expect(podman.network.bridge).toMatch(/^mcptk[0-9a-f]{8}$/);
  expect(await podman.podman(['info', '--format', '{{.Store.GraphDriverName}}'])).toBe('overlay\n');
});

test('buildTestImage pushes every tag to the registry', async () => {
  refs = await buildTestImage({ podman, registry });

  const tags = await httpRequest(`http://${registry.address}/v2/mcp-test/httpd/tags/list`);
  expect(refs).toEqual([
    `${registry.address}/mcp-test/httpd:v1`,
    `${registry.address}/mcp-test/httpd:v2`,
  ]);
  expect((JSON.parse(tags.body) as { tags: string[] }).tags.sort()).toEqual(['v1', 'v2']);
});

test('buildTestImage neither builds nor pushes a tag the registry already has', async () => {
  await podman.podman(['rmi', '--all', '--force']);

  const again = await buildTestImage({ podman, registry });

  expect(again).toEqual(refs);
  expect(await podman.podman(['images', '--quiet'])).toBe('');
});

test('a container created through the Docker API serves a file on a 127.0.0.x address', async () => {
  const [, ref] = refs;
  const host = allocateLoopbackAddress();
  const port = await freePort(host);

  // Pull through the API, as the agent does, then create and start.
  const repo = encodeURIComponent(`${registry.address}/mcp-test/httpd`);
  const pull = await api('POST', `/v1.41/images/create?fromImage=${repo}&tag=v2`);
  const created = await api('POST', '/v1.41/containers/create?name=web', {
    Image: ref,
    Cmd: [
      'sh',
      '-c',
      'mkdir -p /srv/web && cp /VERSION /srv/web/ && exec httpd -f -p 8080 -h /srv/web',
    ],
    ExposedPorts: { '8080/tcp': {} },
    HostConfig: { PortBindings: { '8080/tcp': [{ HostIp: host, HostPort: String(port) }] } },
  });
  const { Id: id } = JSON.parse(created.body) as { Id: string };
  const started = await api('POST', `/v1.41/containers/${id}/start`);
  const body = await waitFor(
    async () => {
      const res = await httpRequest(`http://${host}:${port}/VERSION`, { timeoutMs: 1_000 });
      return res.status === 200 && res.body;
    },
    { what: `httpd on ${host}:${port}` },
  );

  expect([pull.status, created.status, started.status]).toEqual([200, 201, 204]);
  expect(body).toBe('v2\n');
});

test('stop leaves no process, mount, bridge or directory behind', async () => {
  const inspect = await podman.podman([
    'inspect',
    'web',
    '--format',
    '{{.State.ConmonPid}} {{.State.Pid}}',
  ]);
  const pids = [podman.pid, registry.pid, ...inspect.trim().split(' ').map(Number)];
  expect(pids.every(processAlive)).toBe(true);

  await podman.stop();
  await registry.stop();

  expect(pids.filter(processAlive)).toEqual([]);
  expect(existsSync(podman.dir)).toBe(false);
  expect(existsSync(registry.dir)).toBe(false);
  expect(existsSync(`/sys/class/net/${podman.network.bridge}`)).toBe(false);
  expect(readFileSync('/proc/self/mounts', 'utf8')).not.toContain(base);
  expect(pendingCleanups()).toBe(0);
});

function api(method: string, path: string, body?: unknown) {
  return unixRequest({ socketPath: podman.socketPath, method, path, body });
}
