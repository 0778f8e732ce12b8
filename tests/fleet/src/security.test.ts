// Issue 6: every channel of a real fleet is TLS 1.3 and every call is authenticated through the
// MCIAS stand-in and authorized by the maps; no token or key reaches a log.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import { join } from 'node:path';

import {
  AgentServiceDefinition,
  EdgeRoute,
  FleetServiceDefinition,
  NodeInfo,
  NodeRole,
  RegisterRequest,
} from '@mcp/proto';
import { parseServiceDefinition } from '@mcp/scheduler';
import { channelCredentials, secureClient } from '@mcp/security';
import { exampleService, startFleet, tlsHandshake, type Fleet } from '@mcp/testkit';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { agentClient, masterClient, podmanContainers } from './helpers.js';

let fleet: Fleet;
/** Every token this test made or read: none may appear in any log. */
const secrets = new Set<string>();

beforeAll(async () => {
  fleet = await startFleet({ nodes: ['rift', 'orion'], edges: ['svc'] });
  secrets.add(fleet.operatorToken);
});

afterAll(async () => {
  await fleet?.stop();
});

async function token(username: string, ttlMs?: number): Promise<string> {
  const t = await fleet.security.mcias.issueToken(username, ttlMs === undefined ? {} : { ttlMs });
  secrets.add(t);
  return t;
}

function spec(name: string) {
  return parseServiceDefinition(exampleService({ name, image: fleet.images.v1 }), `${name}.toml`);
}

/** The gRPC status code a call fails with (or 'ok'). */
async function codeOf(call: Promise<unknown>): Promise<Status | 'ok'> {
  try {
    await call;
    return 'ok';
  } catch (err) {
    return (err as { code: Status }).code;
  }
}

/** True when a TLS client that speaks at most TLS 1.2 completes a handshake with `address`. */
async function tls12Connects(address: string): Promise<boolean> {
  const outcome = await tlsHandshake({ address, caFile: fleet.ca.certPath, maxVersion: 'TLSv1.2' });
  return outcome.startsWith('connected');
}

async function nothingDeployed(name: string): Promise<void> {
  const { services } = await masterClient(fleet).listServices({ node: '' });
  expect(services.map((s) => s.name)).not.toContain(name);
  for (const agent of Object.values(fleet.agents)) {
    expect((await podmanContainers(agent)).map((c) => c.name)).not.toContain(`${name}_web`);
  }
}

describe('a secured fleet', () => {
  it('refuses a TLS 1.2-only client on the master, a compute agent and the edge agent', async () => {
    const rift = fleet.agents.rift;
    const svc = fleet.edges.svc;
    if (!rift || !svc) throw new Error('fleet without rift or svc');
    for (const address of [fleet.master.listen, rift.listen, svc.listen]) {
      expect(await tls12Connects(address), address).toBe(false);
    }
  });

  it('answers a call without a token Unauthenticated and deploys nothing', async () => {
    const err = await masterClient(fleet, '')
      .deploy({ spec: spec('anon'), dryRun: false })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: Status.UNAUTHENTICATED });
    await nothingDeployed('anon');
  });

  it('keeps a token out of the log when its header is mangled (a tab for the space)', async () => {
    const mangled = await token('alice');
    // Raw HTTP/2: gRPC clients refuse to send such a value; an attacker's client need not.
    const status = await rawGrpcCall(
      fleet.master.listen,
      '/mcp.v1.FleetService/Heartbeat',
      `Bearer\t${mangled}`,
    );
    expect(status).toBe(String(Status.UNAUTHENTICATED));
    // The last test greps every log for it.
  });

  it('answers expired and revoked tokens Unauthenticated', async () => {
    const expired = await token('alice', -60_000);
    expect(await codeOf(masterClient(fleet, expired).listServices({ node: '' }))).toBe(
      Status.UNAUTHENTICATED,
    );

    const revoked = await token('bob');
    expect(await codeOf(masterClient(fleet, revoked).listServices({ node: '' }))).toBe('ok');
    await fleet.security.mcias.revoke(revoked);
    // The master may trust its verdict for up to 30 s; a fresh master-side check refuses it.
    const deadline = Date.now() + 35_000;
    let code = await codeOf(masterClient(fleet, revoked).listServices({ node: '' }));
    while (code === 'ok' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1_000));
      code = await codeOf(masterClient(fleet, revoked).listServices({ node: '' }));
    }
    expect(code).toBe(Status.UNAUTHENTICATED);
  });

  it('answers a guest PermissionDenied, through the CLI as well', async () => {
    const gail = await token('gail');
    const err = await masterClient(fleet, gail)
      .deploy({ spec: spec('guest'), dryRun: false })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: Status.PERMISSION_DENIED });
    expect(String((err as { details: string }).details)).toMatch(/gail/);

    const file = join(fleet.dir, 'gail.token');
    writeFileSync(file, `${gail}\n`, { mode: 0o600 });
    const config = join(fleet.dir, 'cli', 'gail.toml');
    writeFileSync(
      config,
      readFileSync(fleet.cliConfig, 'utf8').replace(/^token_file = .*$/m, `token_file = "${file}"`),
    );
    fleet.writeService('guest', exampleService({ name: 'guest', image: fleet.images.v1 }));
    const out = await fleet.mcp(['deploy', 'guest', '--config', config]);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/may not call mcp\.v1\.MasterService\/Deploy/);
    expect(out.stdout + out.stderr).not.toContain(gail);
    await nothingDeployed('guest');
  });

  it('answers an agent token calling Deploy on the master PermissionDenied', async () => {
    const rift = await token('agent-rift');
    const err = await masterClient(fleet, rift)
      .deploy({ spec: spec('byagent'), dryRun: false })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: Status.PERMISSION_DENIED });
    await nothingDeployed('byagent');
  });

  it('answers a human calling SetupEdgeRoute on the edge agent PermissionDenied', async () => {
    const svc = fleet.edges.svc;
    if (!svc) throw new Error('fleet without svc');
    const { client, channel } = secureClient(
      AgentServiceDefinition,
      svc.listen,
      channelCredentials(fleet.ca.certPath),
      () => fleet.operatorToken,
    );
    try {
      const err = await client
        .setupEdgeRoute({
          route: EdgeRoute.fromPartial({
            hostname: 'stolen.example.net',
            backend: `${fleet.agents.rift?.address ?? ''}:20000`,
            listenerPort: 443,
            service: 'stolen',
          }),
        })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: Status.PERMISSION_DENIED });
    } finally {
      channel.close();
    }
    const { routes } = await masterClient(fleet).listEdgeRoutes({});
    expect(routes.map((r) => r.route?.hostname)).not.toContain('stolen.example.net');
  });

  it('answers agent-rift registering as orion PermissionDenied', async () => {
    const rift = fleet.agents.rift;
    const orion = fleet.agents.orion;
    if (!rift || !orion) throw new Error('fleet without rift or orion');
    const err = await forgedRegister('agent-rift', 'orion', rift.address, rift.listen);
    expect(err).toMatchObject({ code: Status.PERMISSION_DENIED });
    const { nodes } = await masterClient(fleet).listNodes({});
    const entry = nodes.find((n) => n.info?.name === 'orion');
    expect(entry?.info?.agentAddress).toBe(orion.listen);
  });

  it("answers agent-rift pointing rift at orion's agent PermissionDenied", async () => {
    const rift = fleet.agents.rift;
    const orion = fleet.agents.orion;
    if (!rift || !orion) throw new Error('fleet without rift or orion');
    const err = await forgedRegister('agent-rift', 'rift', rift.address, orion.listen);
    expect(err).toMatchObject({ code: Status.PERMISSION_DENIED });
    expect(String((err as { details: string }).details)).toMatch(/says it is node 'orion'/);
    const { nodes } = await masterClient(fleet).listNodes({});
    expect(nodes.find((n) => n.info?.name === 'rift')?.info?.agentAddress).toBe(rift.listen);
  });

  it('lets an operator use the --direct subset on an agent but not Undeploy', async () => {
    const rift = fleet.agents.rift;
    if (!rift) throw new Error('fleet without rift');
    const client = agentClient(fleet, rift);
    expect(await codeOf(client.status({ service: '' }))).toBe('ok');
    expect(await codeOf(client.undeploy({ service: 'hello' }))).toBe(Status.PERMISSION_DENIED);
  });

  it('with MCIAS stopped: keeps a verdict of the last 30 s, refuses a new token Unavailable', async () => {
    const known = await token('alice');
    const fresh = await token('bob');
    expect(await codeOf(masterClient(fleet, known).listServices({ node: '' }))).toBe('ok');
    await fleet.security.mcias.stop();
    try {
      expect(await codeOf(masterClient(fleet, known).listServices({ node: '' }))).toBe('ok');
      const err = await masterClient(fleet, fresh)
        .deploy({ spec: spec('whiledown'), dryRun: false })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: Status.UNAVAILABLE });
      expect(String((err as { details: string }).details)).toMatch(/MCIAS/);
    } finally {
      await fleet.security.mcias.start();
    }
    await nothingDeployed('whiledown');
  });

  it('writes no token and no private key to any log of a deploy, stop, start and undeploy', async () => {
    const rift = fleet.agents.rift;
    if (!rift) throw new Error('fleet without rift');
    fleet.writeService(
      'hello',
      exampleService({ image: fleet.images.v1, publicHostname: 'hello.example.net' }),
    );
    for (const args of [
      ['deploy', 'hello'],
      ['stop', 'hello'],
      ['start', 'hello'],
      ['undeploy', 'hello'],
    ]) {
      const out = await fleet.mcp(args);
      expect(out.code, `${args.join(' ')}: ${out.stderr}`).toBe(0);
      for (const s of secrets) expect(out.stdout + out.stderr).not.toContain(s);
    }

    // Every token on disk: the master's, each agent's, the CLI's.
    for (const file of walk(join(fleet.dir, 'security', 'tokens'))) {
      secrets.add(readFileSync(file, 'utf8').trim());
    }
    const logs = walk(fleet.dir).filter((f) => f.endsWith('.log'));
    expect(logs.length).toBeGreaterThanOrEqual(5);
    const all = logs.map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(all).toMatch(/call refused/);
    for (const file of logs) {
      const text = readFileSync(file, 'utf8');
      for (const s of secrets) {
        expect(s.length).toBeGreaterThan(20);
        expect(text, file).not.toContain(s);
        // The signature part alone would be enough to replay nothing, but must not leak either.
        const signature = s.split('.')[2];
        if (signature) expect(text, file).not.toContain(signature);
      }
      expect(text.match(/.{0,60}PRIVATE KEY.{0,20}/)?.[0], file).toBeUndefined();
      // Any bearer credential (token68 characters), not only the ones this test knows of.
      expect(text.match(/.{0,80}Bearer\s+[\w.~+/-]{20,}.{0,20}/)?.[0], file).toBeUndefined();
    }
  });
});

/** A Register from `account` naming node `name` at the given addresses; its error, if any. */
async function forgedRegister(
  account: string,
  name: string,
  address: string,
  agentAddress: string,
): Promise<unknown> {
  const forged = await token(account);
  const { client, channel } = secureClient(
    FleetServiceDefinition,
    fleet.master.listen,
    channelCredentials(fleet.ca.certPath),
    () => forged,
  );
  const node = NodeInfo.fromPartial({
    name,
    roles: [NodeRole.NODE_ROLE_COMPUTE],
    address,
    agentAddress,
    arch: 'amd64',
    os: 'debian',
    version: 'forged',
  });
  try {
    return await client.register(RegisterRequest.fromPartial({ node })).then(
      () => undefined,
      (e: unknown) => e,
    );
  } finally {
    channel.close();
  }
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...walk(path));
    else if (st.isFile()) out.push(path);
  }
  return out;
}

/** One unary gRPC call with an empty message and `authorization` as given; its grpc-status. */
function rawGrpcCall(address: string, path: string, authorization: string): Promise<string> {
  const session = http2.connect(`https://${address}`, {
    ca: readFileSync(fleet.ca.certPath),
    minVersion: 'TLSv1.3',
  });
  return new Promise<string>((resolve, reject) => {
    session.once('error', reject);
    const stream = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      authorization,
    });
    let status = '';
    stream.on('response', (headers) => (status ||= String(headers['grpc-status'] ?? '')));
    stream.on('trailers', (trailers) => (status ||= String(trailers['grpc-status'] ?? '')));
    stream.on('data', () => undefined);
    stream.once('error', reject);
    stream.once('close', () => resolve(status));
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
  }).finally(() => session.close());
}
