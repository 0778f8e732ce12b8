import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { createTestCa, type TestCa } from '../ca.js';
import { cleanupAll } from '../cleanup.js';
import { MciasRequestError } from '../errors.js';
import { allocateLoopbackAddress } from '../net.js';
import { mciasCall, type MciasResponse } from './client.js';
import { startMcias, type Mcias } from './start.js';

const base = await mkdtemp(join(tmpdir(), 'mcp-testkit-mcias-'));
let mcias: Mcias;
let testCa: TestCa;
let ca: Buffer;

beforeAll(async () => {
  testCa = await createTestCa(join(base, 'ca'));
  ca = readFileSync(testCa.certPath);
  mcias = await startMcias({
    dir: join(base, 'mcias'),
    address: allocateLoopbackAddress(),
    ca: testCa,
    accounts: { services: [{ username: 'mcp-master' }, { username: 'agent-rift' }] },
  });
});

afterAll(async () => {
  await cleanupAll();
  await rm(base, { recursive: true, force: true });
});

/** One call, JSON in and out; `bearer` goes in the Authorization header. */
function call(path: string, body?: unknown, bearer?: string): Promise<MciasResponse> {
  return mciasCall({ url: mcias.url, ca, path, body, ...(bearer ? { bearer } : {}) });
}

async function validate(token: string): Promise<Record<string, unknown>> {
  const res = await call('/v1/token/validate', { token });
  expect(res.status).toBe(200);
  return res.body;
}

function adminToken(): string {
  return readFileSync(mcias.adminTokenFile, 'utf8').trim();
}

describe('MCIAS stand-in login and validation', () => {
  test('startMcias serves HTTPS on its address and keeps its secrets mode 0600', () => {
    expect(mcias.url).toBe(`https://${mcias.address}:${mcias.port}`);
    expect(mcias.caFile).toBe(testCa.certPath);
    for (const file of ['admin-token', 'signing-key.pem', 'mcias.json', 'server.key']) {
      expect(statSync(join(base, 'mcias', file)).mode & 0o777).toBe(0o600);
    }
  });

  test('login gives a token that validates with the username, account type and roles', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await call('/v1/auth/login', {
      username: 'alice',
      password: mcias.password('alice'),
    });
    expect(res.status).toBe(200);
    const token = String(res.body.token);
    const expiresAt = Date.parse(String(res.body.expires_at));
    expect(expiresAt / 1000 - before).toBeGreaterThanOrEqual(3_599);
    expect(expiresAt / 1000 - before).toBeLessThanOrEqual(3_601);

    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: 'alice', account_type: 'human', roles: ['admin'] });
    expect(claims.exp).toBe(expiresAt / 1000);
    expect(typeof claims.iat).toBe('number');
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(await validate(token)).toEqual({
      valid: true,
      username: 'alice',
      account_type: 'human',
      roles: ['admin'],
      expires_at: res.body.expires_at,
    });

    expect(await validate(await mcias.login('bob'))).toMatchObject({ roles: ['user'] });
    expect(await validate(await mcias.login('gail'))).toMatchObject({ roles: ['guest'] });
    expect(decodeJwt(await mcias.login('bob')).jti).not.toBe(decodeJwt(token).jti);
  });

  test('login refuses a wrong password and an unknown user with the same 401 answer', async () => {
    const wrong = await call('/v1/auth/login', { username: 'alice', password: 'not-it' });
    const unknown = await call('/v1/auth/login', { username: 'mallory', password: 'not-it' });
    const service = await call('/v1/auth/login', { username: 'mcp-master', password: '' });

    expect(wrong).toEqual({ status: 401, body: { error: 'invalid username or password' } });
    expect(unknown).toEqual(wrong);
    expect(service).toEqual(wrong);
    await expect(mcias.login('bob', mcias.password('alice'))).rejects.toThrow(MciasRequestError);
  });

  test('login and validate answer 400 to a body that is not theirs', async () => {
    const bad: [string, unknown][] = [
      ['/v1/auth/login', 'not json'],
      ['/v1/auth/login', ['alice', 'pw']],
      ['/v1/auth/login', { username: 'alice' }],
      ['/v1/auth/login', { username: 1, password: 'pw' }],
      ['/v1/auth/login', { username: 'alice', password: 'pw', ttl_ms: 'soon' }],
      ['/v1/token/validate', {}],
      ['/v1/token/validate', { token: 7 }],
      ['/v1/token/validate', ''],
    ];
    for (const [path, body] of bad) {
      const res = await call(path, body);
      expect([path, res.status]).toEqual([path, 400]);
      expect(typeof res.body.error).toBe('string');
    }
  });

  test('validate answers expired for a token issued with a negative ttl', async () => {
    const issued = await mcias.issueToken('bob', { ttlMs: -60_000 });
    const loggedIn = await mcias.login('bob', undefined, -1_000);

    expect(await validate(issued)).toEqual({ valid: false, reason: 'expired' });
    expect(await validate(loggedIn)).toEqual({ valid: false, reason: 'expired' });
  });

  test('validate answers revoked for a revoked token, and other tokens stay valid', async () => {
    const revoked = await mcias.login('alice');
    const kept = await mcias.login('alice');

    await mcias.revoke(revoked);

    expect(await validate(revoked)).toEqual({ valid: false, reason: 'revoked' });
    expect(await validate(kept)).toMatchObject({ valid: true });
  });

  test('validate answers bad signature for a token whose signature or claims were changed', async () => {
    const [header, payload, signature] = (await mcias.login('gail')).split('.') as [
      string,
      string,
      string,
    ];
    const flipped = signature[10] === 'A' ? 'B' : 'A';
    const tamperedSignature = `${signature.slice(0, 10)}${flipped}${signature.slice(11)}`;
    const claims = { ...decodeJwt(`${header}.${payload}.${signature}`), roles: ['admin'] };
    const escalated = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');

    expect(await validate(`${header}.${payload}.${tamperedSignature}`)).toEqual({
      valid: false,
      reason: 'bad signature',
    });
    expect(await validate(`${header}.${escalated}.${signature}`)).toMatchObject({
      reason: 'bad signature',
    });
    expect(await validate(`${none}.${escalated}.`)).toMatchObject({ reason: 'bad signature' });
  });

  test('validate answers malformed for a string that is no JWT', async () => {
    for (const token of ['', 'abc', 'a.b.c', 'eyJhbGciOiJFZERTQSJ9', 'x.y']) {
      expect(await validate(token)).toEqual({ valid: false, reason: 'malformed' });
    }
  });

  test('issueToken gives service accounts system tokens with no roles', async () => {
    const token = await mcias.issueToken('agent-rift');

    expect(await validate(token)).toMatchObject({
      valid: true,
      username: 'agent-rift',
      account_type: 'system',
      roles: [],
    });
    await expect(mcias.issueToken('nobody')).rejects.toMatchObject({ status: 404 });
    expect(() => mcias.password('mcp-master')).toThrow(/no such human account/);
  });

  test('writeTokenFile writes the token and a newline, mode 0600', async () => {
    const path = join(base, 'mcp-master.token');

    const token = await mcias.writeTokenFile('mcp-master', path, { ttlMs: 60_000 });

    expect(await readFile(path, 'utf8')).toBe(`${token}\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await validate(token)).toMatchObject({ valid: true, username: 'mcp-master' });
  });
});

describe('MCIAS stand-in admin endpoints and routes', () => {
  test('admin endpoints refuse a missing or wrong admin token with 401', async () => {
    const victim = await mcias.login('bob');
    const refused = { status: 401, body: { error: 'a valid admin bearer token is required' } };

    for (const bearer of [undefined, 'wrong', `${adminToken()}x`, await mcias.login('alice')]) {
      expect(await call('/v1/admin/tokens', { username: 'alice' }, bearer)).toEqual(refused);
      expect(await call('/v1/admin/revoke', { token: victim }, bearer)).toEqual(refused);
    }

    expect(await validate(victim)).toMatchObject({ valid: true });
    const allowed = await call('/v1/admin/tokens', { username: 'alice' }, adminToken());
    expect(allowed.status).toBe(200);
  });

  test('admin revoke answers 204, and 400 for a token this MCIAS did not sign', async () => {
    const token = await mcias.login('bob');

    expect(await call('/v1/admin/revoke', { token }, adminToken())).toEqual({
      status: 204,
      body: {},
    });
    expect((await call('/v1/admin/revoke', { token: 'a.b.c' }, adminToken())).status).toBe(400);
  });

  test('an unknown path is 404 and another method 405', async () => {
    const get = (path: string): Promise<MciasResponse> =>
      mciasCall({ url: mcias.url, ca, path, method: 'GET' });

    expect((await call('/v1/auth/logout', {})).status).toBe(404);
    expect((await get('/')).status).toBe(404);
    expect((await get('/v1/auth/login')).status).toBe(405);
    expect((await get('/v1/token/validate')).status).toBe(405);
  });

  test('the log has a line per request and no token, password or key', async () => {
    const password = mcias.password('alice');
    const token = await mcias.login('alice', password);
    await validate(token);
    await call('/v1/auth/login', { username: 'alice', password: 'wrong-password-123' });
    const issued = await mcias.issueToken('agent-rift');

    const log = await readFile(mcias.logFile, 'utf8');
    const lines = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.msg === 'request').slice(-4)).toEqual([
      expect.objectContaining({ method: 'POST', path: '/v1/auth/login', status: 200 }),
      expect.objectContaining({ method: 'POST', path: '/v1/token/validate', status: 200 }),
      expect.objectContaining({ method: 'POST', path: '/v1/auth/login', status: 401 }),
      expect.objectContaining({ method: 'POST', path: '/v1/admin/tokens', status: 200 }),
    ]);
    expect(lines.at(-1)?.durationMs).toEqual(expect.any(Number));

    const keyBody = readFileSync(join(base, 'mcias', 'signing-key.pem'), 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('-----'))
      .join('');
    const secrets = [token, issued, adminToken(), keyBody, 'wrong-password-123'];
    for (const user of ['alice', 'bob', 'gail']) secrets.push(mcias.password(user));
    for (const secret of secrets) expect(log).not.toContain(secret);
    // Nor any signature of a token: the last part is what makes it a credential.
    expect(log).not.toContain(token.split('.')[2]);
  });
});
