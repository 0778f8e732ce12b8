// The master's front door: TLS 1.3 only, an MCIAS token on every call, the authorization map,
// MCIAS going away; and none of it ever printing a token.

import { MasterServiceDefinition } from '@mcp/proto';
import { ClientError, createChannel, createClient, Status } from 'nice-grpc';
import { tlsHandshake } from '@mcp/testkit';
import { afterEach, describe, expect, it } from 'vitest';

import { FakeAgent } from './test-support/fake-agent.js';
import { captureLog, startTestMaster, type TestMaster } from './test-support/master.js';
import { ISSUED_TOKENS, testSecurity } from './test-support/security.js';
import { serviceSpec } from './test-support/spec.js';

const cleanup: (() => Promise<void>)[] = [];
let lines: Record<string, unknown>[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
  // Whatever a test did, the master's log holds no token it was handed.
  const text = JSON.stringify(lines);
  for (const token of ISSUED_TOKENS) expect(text).not.toContain(token);
  expect(text).not.toMatch(/Bearer [\w.~+/=-]{16,}/);
});

/** A master with a captured log, and rift registered. */
async function fleet(): Promise<{ m: TestMaster; rift: FakeAgent }> {
  const captured = captureLog();
  lines = captured.lines;
  const m = await startTestMaster({ log: captured.log });
  cleanup.push(() => m.close());
  const rift = await FakeAgent.start({ name: 'rift' });
  cleanup.push(() => rift.stop());
  await rift.register(m.address);
  return { m, rift };
}

async function refusal(work: Promise<unknown>): Promise<ClientError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClientError);
  return err as ClientError;
}

function refusals(): Record<string, unknown>[] {
  return lines.filter((l) => l.msg === 'call refused');
}

/** What a TLS client limited to `maxVersion` gets from `address`: `connected` or its error. */
async function handshake(address: string, maxVersion: 'TLSv1.2' | 'TLSv1.3'): Promise<string> {
  const security = await testSecurity();
  return tlsHandshake({ address, caFile: security.tls.caFile, maxVersion });
}

describe('master security', () => {
  it('master answers a call without a token with UNAUTHENTICATED, logged without a name', async () => {
    const { m } = await fleet();
    const security = await testSecurity();
    const channel = createChannel(m.address, security.channel);
    cleanup.push(() => Promise.resolve(channel.close()));

    const err = await refusal(createClient(MasterServiceDefinition, channel).listNodes({}));

    expect(err.code).toBe(Status.UNAUTHENTICATED);
    expect(err.details).toContain('no bearer token');
    expect(refusals()).toEqual([
      expect.objectContaining({
        level: 40,
        method: 'mcp.v1.MasterService/ListNodes',
        code: 'UNAUTHENTICATED',
      }),
    ]);
    expect(refusals()[0]).not.toHaveProperty('username');
  });

  it('master answers an expired token and a revoked token with UNAUTHENTICATED', async () => {
    const { m } = await fleet();
    const security = await testSecurity();
    const expired = await security.token('alice', { ttlMs: -60_000 });
    const revoked = await security.token('alice');
    await security.mcias.revoke(revoked);

    const late = await refusal(m.withToken(expired).client.listNodes({}));
    const gone = await refusal(m.withToken(revoked).client.listNodes({}));

    expect([late.code, gone.code]).toEqual([Status.UNAUTHENTICATED, Status.UNAUTHENTICATED]);
    expect(late.details).toMatch(/refused by MCIAS \(.*expired.*\)/);
    expect(gone.details).toMatch(/refused by MCIAS \(.*revoked.*\)/);
    // The same call with a good token answers: the refusals were about the tokens.
    await expect(m.client.listNodes({})).resolves.toMatchObject({ nodes: [expect.anything()] });
  });

  it('master refuses Deploy to a guest and to an agent token with PERMISSION_DENIED', async () => {
    const { m, rift } = await fleet();
    const spec = serviceSpec('web', 'rift');

    const guest = await refusal((await m.clientAs('gail')).deploy({ spec, dryRun: false }));
    const agent = await refusal((await m.clientAs('agent-rift')).deploy({ spec, dryRun: false }));

    expect(guest.code).toBe(Status.PERMISSION_DENIED);
    expect(guest.details).toContain("account 'gail' (human, roles guest) may not call");
    expect(agent.code).toBe(Status.PERMISSION_DENIED);
    expect(agent.details).toContain("account 'agent-rift' (service) may not call");
    expect(rift.events).toEqual([]);
    expect(refusals().map((r) => [r.method, r.code, r.username])).toEqual([
      ['mcp.v1.MasterService/Deploy', 'PERMISSION_DENIED', 'gail'],
      ['mcp.v1.MasterService/Deploy', 'PERMISSION_DENIED', 'agent-rift'],
    ]);
    // bob (role user) may.
    await (await m.clientAs('bob')).deploy({ spec, dryRun: false });
    expect(rift.events).toEqual(['rift:deploy:web']);
  });

  it('master calls its agents with the mcp-master token', async () => {
    const { m, rift } = await fleet();

    await m.client.deploy({ spec: serviceSpec('web', 'rift'), dryRun: false });

    expect(rift.callers.length).toBeGreaterThan(0);
    expect(new Set(rift.callers.map((c) => c.split(':')[1]))).toEqual(new Set(['mcp-master']));
    expect(rift.callers).toContain('Deploy:mcp-master');
  });

  it('master refuses a TLS 1.2-only client and speaks TLS 1.3', async () => {
    const { m } = await fleet();

    const old = await handshake(m.address, 'TLSv1.2');
    const current = await handshake(m.address, 'TLSv1.3');

    expect(old).not.toMatch(/^connected/);
    expect(old).toMatch(/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL/);
    expect(current).toBe('connected with TLSv1.3');
  });

  it('master with MCIAS stopped keeps a verdict of the last 30 s and refuses a new token with UNAVAILABLE, deploying nothing', async () => {
    const { m, rift } = await fleet();
    const security = await testSecurity();
    const bob = await m.clientAs('bob');
    const alice = m.withToken(await security.token('alice')).client;
    // bob's token, and the master's at rift, are validated now.
    await bob.deploy({ spec: serviceSpec('web', 'rift'), dryRun: false });

    await security.mcias.stop();
    try {
      const kept = await bob.deploy({ spec: serviceSpec('api', 'rift'), dryRun: false });
      const err = await refusal(
        alice.deploy({ spec: serviceSpec('other', 'rift'), dryRun: false }),
      );

      expect(kept.node).toBe('rift');
      expect(err.code).toBe(Status.UNAVAILABLE);
      expect(err.details).toMatch(/failed to authenticate call to .*Deploy: failed to reach MCIAS/);
      expect(rift.events).toEqual(['rift:deploy:web', 'rift:deploy:api']);
      expect(rift.services.has('other')).toBe(false);
    } finally {
      await security.mcias.start();
    }
  });
});
