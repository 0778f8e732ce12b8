import { Resolver } from 'node:dns/promises';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { cleanupAll } from '../cleanup.js';
import { allocateLoopbackAddress } from '../net.js';
import { startMcns, type Mcns } from './start.js';

const base = await mkdtemp(join(tmpdir(), 'mcp-testkit-mcns-'));
let mcns: Mcns;

beforeAll(async () => {
  mcns = await startMcns({
    dir: join(base, 'mcns'),
    address: allocateLoopbackAddress(),
    zones: ['mcp.test', 'other.test'],
  });
});

afterAll(async () => {
  await cleanupAll();
  await rm(base, { recursive: true, force: true });
});

/** One REST call with the stand-in's token (or `token`), JSON in and out. */
async function call(
  method: string,
  path: string,
  body?: unknown,
  token: string | null = mcns.token,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${mcns.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function resolver(): Resolver {
  const r = new Resolver({ timeout: 2_000, tries: 1 });
  r.setServers([`${mcns.dnsAddress.host}:${mcns.dnsAddress.port}`]);
  return r;
}

const RECORDS = '/v1/zones/mcp.test/records';

describe('MCNS stand-in REST API', () => {
  test('startMcns writes a token file only its owner may read', () => {
    expect(statSync(mcns.tokenFile).mode & 0o777).toBe(0o600);
    expect(mcns.url).toMatch(/^http:\/\/127\.\d+\.\d+\.\d+:\d+$/);
  });

  test('records are created, listed by name, replaced and deleted', async () => {
    const made = await call('POST', RECORDS, {
      name: 'Web.svc.mcp.MCP.test.',
      type: 'a',
      value: '127.0.0.2',
    });
    expect(made.status).toBe(201);
    const record = made.body.record as { id: string };
    expect(made.body.record).toEqual({
      id: record.id,
      name: 'web.svc.mcp.mcp.test',
      type: 'A',
      value: '127.0.0.2',
      ttl: 300,
    });

    const listed = await call('GET', `${RECORDS}?name=web.svc.mcp.mcp.test`);
    expect(listed.body.records).toEqual([made.body.record]);

    const put = await call('PUT', `${RECORDS}/${record.id}`, {
      name: 'web.svc.mcp.mcp.test',
      type: 'A',
      value: '127.0.0.3',
      ttl: 30,
    });
    expect(put).toMatchObject({ status: 200, body: { record: { value: '127.0.0.3', ttl: 30 } } });

    expect((await call('DELETE', `${RECORDS}/${record.id}`)).status).toBe(204);
    expect((await call('DELETE', `${RECORDS}/${record.id}`)).status).toBe(404);
    expect((await call('GET', `${RECORDS}?name=web.svc.mcp.mcp.test`)).body.records).toEqual([]);
  });

  test('a call without the token, or with a wrong one, is refused with 401', async () => {
    expect((await call('GET', RECORDS, undefined, null)).status).toBe(401);
    const wrong = await call(
      'POST',
      RECORDS,
      { name: 'x.mcp.test', type: 'A', value: '1.2.3.4' },
      'nope',
    );
    expect(wrong.status).toBe(401);
    expect((await call('GET', `${RECORDS}?name=x.mcp.test`)).body.records).toEqual([]);
  });

  test('an unknown zone is 404 and a bad record is 400 naming its field', async () => {
    const zone = await call('GET', '/v1/zones/nope.test/records');
    expect(zone).toEqual({ status: 404, body: { error: "no zone 'nope.test'" } });

    const cases: [unknown, RegExp][] = [
      [{ name: 'a.elsewhere.net', type: 'A', value: '1.2.3.4' }, /^name: .* not in zone/],
      [{ name: 'a..mcp.test', type: 'A', value: '1.2.3.4' }, /^name: .* not a DNS name/],
      [{ name: 'a.mcp.test', type: 'MX', value: '1.2.3.4' }, /^type: /],
      [{ name: 'a.mcp.test', type: 'A', value: '1.2.3' }, /^value: .* not an IPv4 address/],
      [{ name: 'a.mcp.test', type: 'A', value: '1.2.3.4', ttl: -1 }, /^ttl: /],
      [[1], /^body: /],
    ];
    for (const [body, error] of cases) {
      const out = await call('POST', RECORDS, body);
      expect(out.status).toBe(400);
      expect(out.body.error).toMatch(error);
    }
  });

  test('the same name, type and value twice is 409', async () => {
    const body = { name: 'dup.mcp.test', type: 'A', value: '127.0.0.9' };
    expect((await call('POST', RECORDS, body)).status).toBe(201);
    expect((await call('POST', RECORDS, body)).status).toBe(409);
  });
});

describe('MCNS stand-in DNS', () => {
  test('a real resolver gets the A and TXT records of a name', async () => {
    await call('POST', RECORDS, { name: 'rift.mcp.mcp.test', type: 'A', value: '127.0.0.5' });
    await call('POST', RECORDS, { name: 'rift.mcp.mcp.test', type: 'A', value: '127.0.0.6' });
    const txt = 'x'.repeat(300);
    await call('POST', RECORDS, {
      name: '_acme-challenge.rift.mcp.mcp.test',
      type: 'TXT',
      value: txt,
    });

    const r = resolver();
    expect((await r.resolve4('rift.mcp.mcp.test')).sort()).toEqual(['127.0.0.5', '127.0.0.6']);
    expect(await r.resolve4('RIFT.mcp.mcp.test', { ttl: true })).toContainEqual({
      address: '127.0.0.5',
      ttl: 300,
    });
    expect(await r.resolveTxt('_acme-challenge.rift.mcp.mcp.test')).toEqual([
      ['x'.repeat(255), 'x'.repeat(45)],
    ]);
  });

  test('an unknown name in the zone is NXDOMAIN, a name outside every zone REFUSED', async () => {
    const r = resolver();

    await expect(r.resolve4('missing.mcp.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(r.resolve4('example.com')).rejects.toMatchObject({ code: 'EREFUSED' });
    // A name that exists only with other types (or names under it) has no data, not NXDOMAIN.
    await expect(r.resolve4('mcp.mcp.test')).rejects.toMatchObject({ code: 'ENODATA' });
  });

  test('records survive a restart, and a crash', async () => {
    await call('POST', RECORDS, { name: 'kept.mcp.test', type: 'A', value: '127.0.0.7' });
    await call('POST', '/v1/zones/other.test/records', {
      name: 'kept.other.test',
      type: 'A',
      value: '127.0.0.8',
    });

    await mcns.stop();
    await mcns.start();
    expect(await resolver().resolve4('kept.mcp.test')).toEqual(['127.0.0.7']);
    await mcns.kill();
    await mcns.start();

    expect(await resolver().resolve4('kept.other.test')).toEqual(['127.0.0.8']);
    const listed = await call('GET', `${RECORDS}?name=kept.mcp.test`);
    expect(listed.body.records).toMatchObject([{ value: '127.0.0.7' }]);
  });
});
