import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  AgentServiceDefinition,
  HealthCheckRequest,
  type AgentServiceImplementation,
  type Identity,
} from '@mcp/proto';
import { startTestSecurity, type TestSecurity } from '@mcp/testkit';
import { createServer, ServerError, Status, type Server } from 'nice-grpc';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { secureClient } from './security.js';
import { McIasUnavailableError } from './errors.js';
import { McIasClient, type TokenAuthority } from './mcias.js';
import { authorize, type AuthContext, type Refusal } from './middleware.js';
import { channelCredentials, serverCredentials } from './tls.js';
import { TokenValidator } from './validator.js';

let dir: string;
let security: TestSecurity;
let server: Server<AuthContext>;
let address: string;
let asked = 0;
const refusals: Refusal[] = [];
const handled: { method: string; identity: Identity }[] = [];

/** The real MCIAS client, counted: how often the cache let a call through to MCIAS. */
class Counted implements TokenAuthority {
  constructor(private readonly inner: McIasClient) {}
  validate(token: string): Promise<Identity> {
    asked += 1;
    return this.inner.validate(token);
  }
}

function implementation(): AgentServiceImplementation<AuthContext> {
  const seen = (method: string) => (_req: unknown, ctx: AuthContext) => {
    handled.push({ method, identity: ctx.identity });
    return Promise.resolve({} as never);
  };
  const unimplemented = () => {
    throw new ServerError(Status.UNIMPLEMENTED, 'not in this test');
  };
  return {
    deploy: seen('deploy'),
    stop: (req) => {
      throw new ServerError(Status.INVALID_ARGUMENT, `service: '${req.service}' is not a name`);
    },
    start: unimplemented,
    restart: unimplemented,
    undeploy: seen('undeploy'),
    status: unimplemented,
    // eslint-disable-next-line require-yield
    logs: async function* () {
      unimplemented();
    },
    healthCheck: seen('healthCheck'),
    listRoutes: unimplemented,
    addRoute: unimplemented,
    removeRoute: unimplemented,
    setupEdgeRoute: seen('setupEdgeRoute'),
    removeEdgeRoute: unimplemented,
    listEdgeRoutes: unimplemented,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-authz-'));
  security = await startTestSecurity({ dir });
  const files = await security.tls(['127.0.0.1']);
  const mcias = new McIasClient({ url: security.mcias.url, caFile: security.mcias.caFile });
  server = createServer().use(
    authorize({
      validator: new TokenValidator(new Counted(mcias)),
      onRefused: (r) => refusals.push(r),
    }),
  );
  server.add(AgentServiceDefinition, implementation());
  address = `127.0.0.1:${await server.listen('127.0.0.1:0', serverCredentials(files))}`;
});

afterAll(async () => {
  await server?.shutdown();
  await security?.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  handled.length = 0;
  refusals.length = 0;
});

function client(token: string) {
  return secureClient(
    AgentServiceDefinition,
    address,
    channelCredentials(security.ca.certPath),
    () => token,
  );
}

async function call(token: string, method: 'healthCheck' | 'undeploy' | 'setupEdgeRoute') {
  const { client: c, channel } = client(token);
  try {
    if (method === 'healthCheck') return await c.healthCheck(HealthCheckRequest.create());
    if (method === 'undeploy') return await c.undeploy({ service: 'web' });
    return await c.setupEdgeRoute({});
  } finally {
    channel.close();
  }
}

describe('authorize', () => {
  it('refuses a call without a token as unauthenticated, before any handler runs', async () => {
    await expect(call('', 'healthCheck')).rejects.toMatchObject({ code: Status.UNAUTHENTICATED });
    expect(handled).toEqual([]);
  });

  it('lets an operator call HealthCheck and hands the handler the identity', async () => {
    await call(await security.mcias.login('alice'), 'healthCheck');
    expect(handled).toHaveLength(1);
    expect(handled[0]?.identity).toMatchObject({ username: 'alice', roles: ['admin'] });
  });

  it('refuses a guest with PermissionDenied, naming the account and the method', async () => {
    const err = await call(await security.mcias.login('gail'), 'healthCheck').catch((e) => e);
    expect(err).toMatchObject({ code: Status.PERMISSION_DENIED });
    expect(String(err.details)).toMatch(
      /account 'gail' \(human, roles guest\) may not call mcp\.v1\.AgentService\/HealthCheck/,
    );
    expect(handled).toEqual([]);
  });

  it('keeps master-only RPCs from operators and lets mcp-master through', async () => {
    const alice = await security.mcias.login('alice');
    await expect(call(alice, 'setupEdgeRoute')).rejects.toMatchObject({
      code: Status.PERMISSION_DENIED,
    });
    await expect(call(alice, 'undeploy')).rejects.toMatchObject({ code: Status.PERMISSION_DENIED });
    expect(handled).toEqual([]);

    await call(await security.mcias.issueToken('mcp-master'), 'undeploy');
    expect(handled.map((h) => h.method)).toEqual(['undeploy']);
  });

  it('refuses an agent account on an agent RPC', async () => {
    const rift = await security.mcias.issueToken('agent-rift');
    await expect(call(rift, 'healthCheck')).rejects.toMatchObject({
      code: Status.PERMISSION_DENIED,
    });
  });

  it('refuses expired and revoked tokens as unauthenticated', async () => {
    const expired = await security.mcias.issueToken('alice', { ttlMs: -60_000 });
    const err = await call(expired, 'healthCheck').catch((e) => e);
    expect(err).toMatchObject({ code: Status.UNAUTHENTICATED });
    expect(String(err.details)).toMatch(/expired/);

    const revoked = await security.mcias.login('bob');
    await security.mcias.revoke(revoked);
    const err2 = await call(revoked, 'healthCheck').catch((e) => e);
    expect(err2).toMatchObject({ code: Status.UNAUTHENTICATED });
    expect(String(err2.details)).toMatch(/revoked/);
    expect(handled).toEqual([]);
  });

  it('never puts a token in a refusal', async () => {
    const tokens = [
      await security.mcias.login('gail'),
      await security.mcias.issueToken('alice', { ttlMs: -1_000 }),
    ];
    for (const t of tokens) await call(t, 'healthCheck').catch(() => undefined);
    expect(refusals.length).toBe(2);
    const text = JSON.stringify(refusals);
    for (const t of tokens) {
      expect(text).not.toContain(t);
      expect(text).not.toContain(t.split('.')[2]);
    }
  });

  it('sends no token that a header cannot carry, and names the character, not the token', async () => {
    const token = `${await security.mcias.login('alice')}\u200b`;

    const err = await call(token, 'healthCheck').catch((e: unknown) => e);

    expect(err).toMatchObject({ code: Status.UNAUTHENTICATED });
    expect(String((err as Error).message)).toMatch(/U\+200B at character \d+/);
    expect(String((err as Error).message)).not.toContain(token.slice(0, -1));
    expect(handled).toEqual([]);
    expect(refusals).toEqual([]);
  });

  it('asks MCIAS once for a token used again within 30 s', async () => {
    const token = await security.mcias.login('bob');
    const before = asked;
    for (let i = 0; i < 5; i++) await call(token, 'healthCheck');
    expect(asked - before).toBe(1);
  });

  it('with MCIAS stopped: honours a verdict from the last 30 s, fails a new token closed', async () => {
    const known = await security.mcias.login('alice');
    const fresh = await security.mcias.login('bob');
    await call(known, 'healthCheck');
    await security.mcias.stop();
    try {
      await call(known, 'healthCheck');
      expect(handled).toHaveLength(2);

      const err = await call(fresh, 'undeploy').catch((e) => e);
      expect(err).toMatchObject({ code: Status.UNAVAILABLE });
      expect(String(err.details)).toMatch(/failed to reach MCIAS/);
      expect(handled).toHaveLength(2);
    } finally {
      await security.mcias.start();
    }
  });
});

describe('authorize, on the way out', () => {
  it('cuts an error that echoes a huge bad value, so the call still ends', async () => {
    const { client: c, channel } = client(await security.mcias.login('alice'));
    try {
      const err = await c
        .stop({ service: 'x'.repeat(300_000) }, { signal: AbortSignal.timeout(10_000) })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: Status.INVALID_ARGUMENT });
      const details = String((err as { details: string }).details);
      expect(details.length).toBeLessThan(1_100);
      expect(details).toMatch(/^service: 'x+\.\.\. \(\d+ characters\)$/);
    } finally {
      channel.close();
    }
  });
});

describe('TokenValidator', () => {
  function counted(now: () => number) {
    const inner = new McIasClient({ url: security.mcias.url, caFile: security.mcias.caFile });
    const calls = { count: 0 };
    const validator = new TokenValidator(
      { validate: (t) => ((calls.count += 1), inner.validate(t)) },
      { now },
    );
    return { validator, calls, close: () => inner.close() };
  }

  it('asks MCIAS once within 30 s, again in the background near the end, and anew after it', async () => {
    let now = Date.now();
    const { validator, calls, close } = counted(() => now);
    try {
      const token = await security.mcias.login('alice');
      await validator.validate(token);
      now += 20_000;
      await validator.validate(token);
      expect(calls.count).toBe(1);

      // In the last 5 s the cached verdict answers and MCIAS is asked behind it.
      now += 6_000;
      await expect(validator.validate(token)).resolves.toMatchObject({ username: 'alice' });
      expect(calls.count).toBe(2);
      await new Promise((r) => setTimeout(r, 200));

      // That refresh restarted the 30 s: nothing is asked until they are over.
      now += 20_000;
      await validator.validate(token);
      expect(calls.count).toBe(2);
      now += 31_000;
      await validator.validate(token);
      expect(calls.count).toBe(3);
    } finally {
      close();
    }
  });

  it('shares one question among concurrent calls with one token', async () => {
    const { validator, calls, close } = counted(Date.now);
    try {
      const token = await security.mcias.login('bob');
      await Promise.all(Array.from({ length: 10 }, () => validator.validate(token)));
      expect(calls.count).toBe(1);
    } finally {
      close();
    }
  });

  it('never trusts a verdict past the token expiry', async () => {
    let now = Date.now();
    const { validator, close } = counted(() => now);
    try {
      const short = await security.mcias.issueToken('bob', { ttlMs: 5_000 });
      await validator.validate(short);
      now += 6_000;
      await expect(validator.validate(short)).rejects.toThrow(/expired/);
    } finally {
      close();
    }
  });

  it('answers a refused token from its cache for 30 s, then asks MCIAS again', async () => {
    let now = Date.now();
    const { validator, calls, close } = counted(() => now);
    try {
      const token = await security.mcias.login('bob');
      await security.mcias.revoke(token);
      for (let i = 0; i < 5; i += 1) {
        await expect(validator.validate(token)).rejects.toThrow(/revoked/);
      }
      expect(calls.count).toBe(1);
      now += 31_000;
      await expect(validator.validate(token)).rejects.toThrow(/revoked/);
      expect(calls.count).toBe(2);
    } finally {
      close();
    }
  });

  it('keeps no verdict of MCIAS being down: the same token works once MCIAS is back', async () => {
    const { validator, calls, close } = counted(Date.now);
    try {
      const token = await security.mcias.login('alice');
      await security.mcias.stop();
      try {
        await expect(validator.validate(token)).rejects.toBeInstanceOf(McIasUnavailableError);
      } finally {
        await security.mcias.start();
      }
      await expect(validator.validate(token)).resolves.toMatchObject({ username: 'alice' });
      expect(calls.count).toBe(2);
    } finally {
      close();
    }
  });

  it('drops a verdict that a background refresh finds revoked', async () => {
    let now = Date.now();
    const { validator, close } = counted(() => now);
    try {
      const token = await security.mcias.login('bob');
      await validator.validate(token);
      await security.mcias.revoke(token);
      now += 27_000;
      await validator.validate(token);
      await new Promise((r) => setTimeout(r, 300));
      await expect(validator.validate(token)).rejects.toThrow(/revoked/);
    } finally {
      close();
    }
  });
});
