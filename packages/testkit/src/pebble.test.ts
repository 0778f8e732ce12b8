import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, expect, test } from 'vitest';

import { cleanupAll } from './cleanup.js';
import { allocateLoopbackAddress } from './net.js';
import { startPebble } from './pebble.js';

const base = await mkdtemp(join(tmpdir(), 'mcp-testkit-pebble-'));
afterAll(async () => {
  await cleanupAll();
  await rm(base, { recursive: true, force: true });
});

function getJson(url: string, ca: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    get(url, { ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    }).once('error', reject);
  });
}

test('startPebble serves a directory requiring EAB over TLS from its test CA, restartable', async () => {
  const address = allocateLoopbackAddress();
  const pebble = await startPebble({
    dir: join(base, 'pebble'),
    address,
    eab: { kid: 'kid-a', hmacKey: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA' },
  });
  const ca = readFileSync(pebble.caFile, 'utf8');

  const directory = await getJson(pebble.directoryUrl, ca);
  const firstRoot = new X509Certificate(await pebble.rootPem());
  await pebble.stop();
  const stopped = await getJson(pebble.directoryUrl, ca).catch((err: unknown) => err);
  await pebble.start();
  const secondRoot = new X509Certificate(await pebble.rootPem());

  expect(pebble.directoryUrl).toMatch(
    new RegExp(`^https://${address.replace(/\./g, '\\.')}:\\d+/dir$`),
  );
  expect(directory.newOrder).toEqual(expect.stringContaining(address));
  expect(directory.meta).toMatchObject({ externalAccountRequired: true });
  expect(pebble.eab.kid).toBe('kid-a');
  expect(firstRoot.ca).toBe(true);
  expect(stopped).toBeInstanceOf(Error);
  expect(secondRoot.fingerprint256).not.toBe(firstRoot.fingerprint256);
});
