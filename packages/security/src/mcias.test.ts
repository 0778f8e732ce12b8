// The MCIAS client against real TLS servers that answer too slowly: every question ends with
// McIasUnavailableError within its deadline, never hangs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createTestCa, type TestCa } from '@mcp/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { McIasUnavailableError } from './errors.js';
import { McIasClient } from './mcias.js';

const DEADLINE_MS = 800;
let dir: string;
let ca: TestCa;
let pair: { cert: Buffer; key: Buffer };
const servers: Server[] = [];
const timers: NodeJS.Timeout[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-mcias-'));
  ca = await createTestCa(join(dir, 'ca'));
  const leaf = await ca.issue({ names: ['127.0.0.1'], dir: join(dir, 'leaf') });
  pair = { cert: readFileSync(leaf.certPath), key: readFileSync(leaf.keyPath) };
});

afterEach(async () => {
  for (const t of timers.splice(0)) clearInterval(t);
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An MCIAS look-alike over TLS 1.3 whose handler decides how (and whether) to answer. */
async function slowMcias(handler: Parameters<typeof createServer>[1]): Promise<McIasClient> {
  const server = createServer({ ...pair, minVersion: 'TLSv1.3' }, handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new McIasClient({
    url: `https://127.0.0.1:${port}`,
    caFile: ca.certPath,
    timeoutMs: DEADLINE_MS,
  });
}

/** How long `validate` took and what it threw. */
async function timedValidate(client: McIasClient): Promise<{ ms: number; err: unknown }> {
  const started = Date.now();
  const err = await client.validate('a.b.c').then(
    () => undefined,
    (e: unknown) => e,
  );
  return { ms: Date.now() - started, err };
}

describe('McIasClient', () => {
  it('McIasClient gives up on an answer that trickles in a byte at a time', async () => {
    const client = await slowMcias((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      timers.push(setInterval(() => res.write(' '), 200));
    });

    const { ms, err } = await timedValidate(client);
    client.close();

    expect(err).toBeInstanceOf(McIasUnavailableError);
    expect(String(err)).toMatch(new RegExp(`no answer within ${DEADLINE_MS} ms`));
    expect(ms).toBeLessThan(DEADLINE_MS + 1_500);
  });

  it('McIasClient ends every question of a queue behind an MCIAS that never answers', async () => {
    // More questions than the client keeps connections (8): the rest wait for one.
    const client = await slowMcias(() => undefined);

    const outcomes = await Promise.all(Array.from({ length: 20 }, () => timedValidate(client)));
    client.close();

    for (const { ms, err } of outcomes) {
      expect(err).toBeInstanceOf(McIasUnavailableError);
      expect(ms).toBeLessThan(DEADLINE_MS + 1_500);
    }
  });
});
