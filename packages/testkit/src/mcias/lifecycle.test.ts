import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';

import { createTestCa, type TestCa } from '../ca.js';
import { cleanupAll } from '../cleanup.js';
import { allocateLoopbackAddress } from '../net.js';
import { mciasCall } from './client.js';
import { startMcias, type Mcias } from './start.js';

const base = await mkdtemp(join(tmpdir(), 'mcp-testkit-mcias-life-'));
const dir = join(base, 'mcias');
let testCa: TestCa;
let ca: Buffer;
let mcias: Mcias;

beforeAll(async () => {
  testCa = await createTestCa(join(base, 'ca'));
  ca = readFileSync(testCa.certPath);
  mcias = await startMcias({
    dir,
    address: allocateLoopbackAddress(),
    ca: testCa,
    tokenTtlMs: 120_000,
    accounts: {
      humans: [
        { username: 'alice', password: 'alice-pw', roles: ['admin', 'user'] },
        { username: 'bob', roles: ['user'] },
      ],
      services: [{ username: 'mcp-master' }],
    },
  });
});

// A test that stopped the stand-in and failed before starting it leaves it running for the next.
afterEach(async () => {
  await mcias.start();
});

afterAll(async () => {
  await cleanupAll();
  await rm(base, { recursive: true, force: true });
});

async function validate(on: Mcias, token: string): Promise<Record<string, unknown>> {
  const res = await mciasCall({ url: on.url, ca, path: '/v1/token/validate', body: { token } });
  expect(res.status).toBe(200);
  return res.body;
}

/** Settles with the handshake's outcome: the protocol and the server's SANs, or the error. */
function handshake(maxVersion: 'TLSv1.2' | 'TLSv1.3'): Promise<string | Error> {
  return new Promise((resolve) => {
    const socket = connect({ host: mcias.address, port: mcias.port, ca, maxVersion });
    socket.once('secureConnect', () => {
      resolve(`${socket.getProtocol() ?? 'none'} ${socket.getPeerCertificate().subjectaltname}`);
      socket.destroy();
    });
    socket.once('error', resolve);
  });
}

describe('MCIAS stand-in lifecycle', () => {
  test('startMcias takes the given accounts and token lifetime', async () => {
    const token = await mcias.login('alice');

    const out = await validate(mcias, token);

    expect(out).toMatchObject({ valid: true, username: 'alice', roles: ['admin', 'user'] });
    const left = Date.parse(String(out.expires_at)) - Date.now();
    expect(left).toBeGreaterThan(110_000);
    expect(left).toBeLessThanOrEqual(120_000);
    expect(mcias.password('alice')).toBe('alice-pw');
    expect(mcias.password('bob')).toMatch(/^[0-9a-f]{32}$/);
    expect(() => mcias.password('gail')).toThrow();
  });

  test('a TLS 1.2-only client is refused and a TLS 1.3 client served for the address', async () => {
    const old = await handshake('TLSv1.2');
    const current = await handshake('TLSv1.3');

    expect(old).toBeInstanceOf(Error);
    expect((old as Error & { code?: string }).code).toMatch(
      /PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL/,
    );
    expect(current).toBe(`TLSv1.3 IP Address:${mcias.address}`);
  });

  test('a revoked token stays revoked, and a good one valid, after stop(), start() and kill()', async () => {
    const revoked = await mcias.login('bob');
    const good = await mcias.issueToken('mcp-master');
    await mcias.revoke(revoked);
    const pid = mcias.pid;

    await mcias.stop();
    await mcias.start();
    expect(mcias.pid).not.toBe(pid);
    expect(await validate(mcias, revoked)).toEqual({ valid: false, reason: 'revoked' });
    expect(await validate(mcias, good)).toMatchObject({ valid: true, account_type: 'system' });

    await mcias.kill();
    await mcias.start();
    expect(await validate(mcias, revoked)).toEqual({ valid: false, reason: 'revoked' });
    expect(await validate(mcias, good)).toMatchObject({ valid: true });
  });

  test('after stop() a request is refused with ECONNREFUSED', async () => {
    await mcias.stop();

    await expect(validate(mcias, 'x')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await mcias.start();
    expect(await validate(mcias, 'x')).toEqual({ valid: false, reason: 'malformed' });
  });

  test('a token signed by another stand-in is a bad signature', async () => {
    const other = await startMcias({
      dir: join(base, 'other'),
      address: allocateLoopbackAddress(),
      ca: testCa,
    });
    try {
      const foreign = await other.login('alice');

      expect(await validate(other, foreign)).toMatchObject({ valid: true });
      expect(await validate(mcias, foreign)).toEqual({ valid: false, reason: 'bad signature' });
    } finally {
      await other.stop();
    }
  });

  test('started again on its dir without an account, that account is unknown', async () => {
    const alices = await mcias.login('alice');
    const bobs = await mcias.login('bob');
    await mcias.stop();

    // The same dir keeps the signing key: alice's token is still good, bob's account is gone.
    mcias = await startMcias({
      dir,
      address: mcias.address,
      ca: testCa,
      accounts: { humans: [{ username: 'alice', roles: ['admin'] }] },
    });

    expect(await validate(mcias, alices)).toMatchObject({ valid: true, username: 'alice' });
    expect(await validate(mcias, bobs)).toEqual({ valid: false, reason: 'unknown account' });
  });
});
