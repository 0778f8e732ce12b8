// Who may call a compute agent, over what, and with which input: every call over TLS 1.3 only,
// authenticated through the MCIAS stand-in and authorized by AGENT_SERVICE_POLICY (the master;
// operators for the `mcp --direct` subset), and every RPC's input checked. Real Podman.
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

import { RouteMode, StepStatus, type AgentServiceClient, type ServiceSpec } from '@mcp/proto';
import { ClientError, Metadata, Status } from 'nice-grpc';
import { tlsHandshake } from '@mcp/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Agent } from '../src/agent.js';
import { service, startHarness, web, type Harness, type Served } from './harness.js';
import { capturedLog } from './proxy-site.js';

let h: Harness;
let agent: Agent;
let served: Served;
const logs = capturedLog('warn');

beforeAll(async () => {
  h = await startHarness();
  agent = h.agent({ log: logs.log });
  served = await h.serve(agent);
});

afterAll(async () => {
  await h?.stop();
});

async function refusal(call: Promise<unknown>): Promise<ClientError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClientError);
  return err as ClientError;
}

/** Every container Podman has (owned by an agent or not) whose name is the service's. */
async function containersOf(name: string): Promise<string[]> {
  const all = await agent.runtime.docker.listContainers({ all: true });
  return all
    .flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')))
    .filter((n) => n === name || n.startsWith(`${name}_`) || n.startsWith(`${name}.`));
}

const deployOf = (spec: ServiceSpec) => ({ spec });

describe('agent authentication and authorization', () => {
  it('agent answers UNAUTHENTICATED to a call without a token', async () => {
    const anonymous = await served.as(undefined);
    const err = await refusal(anonymous.healthCheck({}));

    expect(err.code).toBe(Status.UNAUTHENTICATED);
    expect(err.details).toMatch(/no bearer token/);
  });

  it('agent answers UNAUTHENTICATED to an expired token', async () => {
    const expired = await h.security.mcias.issueToken('alice', { ttlMs: -60_000 });
    const client = await h.dial(served.port, undefined);
    const err = await refusal(
      client.status(
        { service: '' },
        { metadata: Metadata({ authorization: `Bearer ${expired}` }) },
      ),
    );

    expect(err.code).toBe(Status.UNAUTHENTICATED);
  });

  it('agent refuses a guest (gail) with PERMISSION_DENIED', async () => {
    const gail = await served.as('gail');
    const err = await refusal(gail.status({ service: '' }));

    expect(err.code).toBe(Status.PERMISSION_DENIED);
    expect(err.details).toMatch(/account 'gail' \(human, roles guest\) may not call/);
  });

  it('agent lets an operator (alice) Deploy and read Status', async () => {
    const alice = await served.as('alice');
    const out = await alice.deploy(deployOf(service('opweb', [web('web', h.images[0])])));

    expect(out.steps.filter((s) => s.status === StepStatus.STEP_STATUS_FAILED)).toEqual([]);
    const status = await alice.status({ service: 'opweb' });
    expect(status.services[0]?.name).toBe('opweb');
    expect(await containersOf('opweb')).toEqual(['opweb_web']);
  });

  it('agent refuses an operator Undeploy and AddRoute with PERMISSION_DENIED', async () => {
    const alice = await served.as('alice');

    const undeploy = await refusal(alice.undeploy({ service: 'opweb' }));
    const add = await refusal(
      alice.addRoute({
        route: {
          listenerPort: 443,
          hostname: 'web.svc.mcp.local',
          backend: '127.0.0.1:1',
          mode: RouteMode.ROUTE_MODE_L4,
          backendTls: false,
          tlsCertPath: '',
          tlsKeyPath: '',
        },
      }),
    );

    expect(undeploy.code).toBe(Status.PERMISSION_DENIED);
    expect(undeploy.details).toMatch(
      /may not call mcp\.v1\.AgentService\/Undeploy: it is for the mcp-master service account/,
    );
    expect(add.code).toBe(Status.PERMISSION_DENIED);
    expect(await containersOf('opweb')).toEqual(['opweb_web']);
  });

  it('agent lets mcp-master call what operators may not (Undeploy)', async () => {
    const steps = (await served.client.undeploy({ service: 'opweb' })).steps;

    expect(steps.map((s) => s.name)).toContain('containers');
    expect(await containersOf('opweb')).toEqual([]);
  });

  it('agent refuses an agent account calling Deploy with PERMISSION_DENIED, creating nothing', async () => {
    const other = await served.as('agent-orion');
    const err = await refusal(other.deploy(deployOf(service('sneaky', [web('web', h.images[0])]))));

    expect(err.code).toBe(Status.PERMISSION_DENIED);
    expect(err.details).toMatch(/account 'agent-orion' \(service\) may not call/);
    expect(await containersOf('sneaky')).toEqual([]);
    expect(agent.store.get('sneaky')).toBeUndefined();
  });

  it('agent logs each refused call at warn with method, code and account, never the token', async () => {
    const token = await h.security.mcias.issueToken('bob');
    const client = await h.dial(served.port, undefined);
    await refusal(
      client.undeploy(
        { service: 'opweb' },
        { metadata: Metadata({ authorization: `Bearer ${token}` }) },
      ),
    );

    const refused = logs.lines.filter((l) => l.msg === 'call refused');
    expect(refused).toContainEqual(
      expect.objectContaining({
        level: 40,
        method: 'mcp.v1.AgentService/Undeploy',
        code: 'PERMISSION_DENIED',
        username: 'bob',
      }),
    );
    expect(refused.some((l) => l.code === 'UNAUTHENTICATED')).toBe(true);
    expect(JSON.stringify(logs.lines)).not.toContain(token);
  });

  it('agent refuses a TLS 1.2-only client, and takes TLS 1.3 from the same place', async () => {
    expect(await handshake('TLSv1.2')).toMatch(/PROTOCOL_VERSION/);
    expect(await handshake('TLSv1.3')).toBe('connected with TLSv1.3');
  });
});

describe('agent volume paths through Deploy', () => {
  async function refusedDeploy(name: string, volume: string): Promise<ClientError> {
    const spec = service(name, [web('web', h.images[0], { volumes: [volume] })]);
    const err = await refusal(served.client.deploy(deployOf(spec)));
    expect(await containersOf(name)).toEqual([]);
    expect(agent.store.get(name)).toBeUndefined();
    return err;
  }

  it('Deploy refuses a volume ../../etc:/etc with INVALID_ARGUMENT before any container exists', async () => {
    const err = await refusedDeploy('volrel', '../../etc:/etc');

    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    expect(err.details).toMatch(
      /components\[0\]\.volumes\[0\]: host path '\.\.\/\.\.\/etc' must be an absolute path under \/srv\/volrel/,
    );
  });

  it('Deploy refuses a volume through a symbolic link out of /srv/<service> before any container exists', async () => {
    const outside = join(agent.config.stateDir, 'outside');
    mkdirSync(outside, { recursive: true });
    mkdirSync(join(agent.config.srvRoot, 'vollink'), { recursive: true });
    symlinkSync(outside, join(agent.config.srvRoot, 'vollink', 'data'));
    const err = await refusedDeploy('vollink', '/srv/vollink/data:/data');

    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    expect(err.details).toBe(
      "failed to mount volume '/srv/vollink/data:/data' of service 'vollink': components[0].volumes[0]: " +
        "host path '/srv/vollink/data' resolves outside /srv/vollink (a symbolic link)",
    );
  });

  it('Deploy refuses an absolute host path outside the allowed root before any container exists', async () => {
    const err = await refusedDeploy('volabs', '/etc:/etc');

    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    expect(err.details).toMatch(
      /components\[0\]\.volumes\[0\]: host path '\/etc' is outside \/srv\/volabs/,
    );
  });

  it('Deploy refuses a volume holding a NUL with INVALID_ARGUMENT naming the field', async () => {
    const err = await refusedDeploy('volnul', '/srv/volnul/a\u0000b:/x');

    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    expect(err.details).toMatch(
      /components\[0\]\.volumes\[0\]: holds the control character U\+0000/,
    );
  });
});

describe('agent input checks', () => {
  it.each([
    {
      rpc: 'Deploy without a spec',
      call: (c: AgentServiceClient) => c.deploy({}),
      why: 'spec: required',
    },
    {
      rpc: 'Deploy with an empty image',
      call: (c: AgentServiceClient) => c.deploy(deployOf(service('noimg', [web('web', '')]))),
      why: /components\[0\]\.image: /,
    },
    {
      rpc: 'Stop without a service',
      call: (c: AgentServiceClient) => c.stop({ service: '' }),
      why: 'service: required',
    },
    {
      rpc: 'Start with a bad name',
      call: (c: AgentServiceClient) => c.start({ service: '../x' }),
      why: /^service: '\.\.\/x' is not a name/,
    },
    {
      rpc: 'Restart with a bad name',
      call: (c: AgentServiceClient) => c.restart({ service: 'A B' }),
      why: /^service: 'A B' is not a name/,
    },
    {
      rpc: 'Undeploy without a service',
      call: (c: AgentServiceClient) => c.undeploy({ service: '' }),
      why: 'service: required',
    },
    {
      rpc: 'Status with a bad name',
      call: (c: AgentServiceClient) => c.status({ service: 'Web' }),
      why: /^service: 'Web' is not a name/,
    },
    {
      rpc: 'RemoveRoute on listener 0',
      call: (c: AgentServiceClient) => c.removeRoute({ listenerPort: 0, hostname: 'a.b' }),
      why: /listener_port: 0 is not a port/,
    },
    {
      rpc: 'RemoveRoute without a hostname',
      call: (c: AgentServiceClient) => c.removeRoute({ listenerPort: 443, hostname: '' }),
      why: /hostname: '' is not a DNS name/,
    },
    {
      rpc: 'AddRoute without a route',
      call: (c: AgentServiceClient) => c.addRoute({}),
      why: /route: required/,
    },
  ])('$rpc is INVALID_ARGUMENT naming the field', async ({ call, why }) => {
    const err = await refusal(call(served.client));

    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    expect(err.details).toMatch(why);
  });

  it.each([
    {
      what: 'a bad component',
      req: { service: 'web', component: 'a/b', follow: false, tail: 0 },
      why: /^component: 'a\/b' is not a name/,
    },
    {
      what: 'no service',
      req: { service: '', component: '', follow: false, tail: 0 },
      why: 'service: required',
    },
  ])('Logs with $what is INVALID_ARGUMENT naming the field', async ({ req, why }) => {
    const stream = served.client.logs(req);
    const err = await refusal(stream[Symbol.asyncIterator]().next());

    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    expect(err.details).toMatch(why);
  });
});

/** A bare TLS handshake with the agent's gRPC port: what came of it. */
function handshake(maxVersion: 'TLSv1.2' | 'TLSv1.3'): Promise<string> {
  const caFile = h.security.ca.certPath;
  return tlsHandshake({ address: `127.0.0.1:${served.port}`, caFile, maxVersion });
}
