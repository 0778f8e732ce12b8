// Who may call the edge agent: every call authenticated through the MCIAS stand-in and
// authorized by AGENT_SERVICE_POLICY (edge routes: mcp-master only), over TLS 1.3 only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ProxyClient } from '@mcp/mcproxy';
import { AgentServiceDefinition, EdgeRoute, RouteMode } from '@mcp/proto';
import { channelCredentials, secureClient } from '@mcp/security';
import { Status } from 'nice-grpc';
import { tlsHandshake } from '@mcp/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { edgeHarness, refusal, type EdgeHarness, type EdgeUnderTest } from '../test/edge.js';
import { STATE_FILE } from './state.js';

let h: EdgeHarness;
let edge: EdgeUnderTest;
let backend: string;
const logged: string[] = [];

beforeAll(async () => {
  h = await edgeHarness('mcp-edge-authz-');
  edge = await h.start(['log_level = "warn"'], {
    logDestination: { write: (line: string) => logged.push(line) },
  });
  backend = await h.backend('hello');
});

afterAll(() => h.teardown());

function route(hostname = 'web.example.net'): EdgeRoute {
  return EdgeRoute.fromPartial({
    hostname,
    listenerPort: h.listener,
    backend,
    mode: RouteMode.ROUTE_MODE_L7,
    service: 'web',
    node: 'rift',
  });
}

async function proxyRoutes() {
  const proxy = new ProxyClient(h.proxy.socketPath);
  try {
    return await proxy.listRoutes();
  } finally {
    proxy.close();
  }
}

/** The refusal lines the edge logged. */
function refusals(): Record<string, unknown>[] {
  return logged
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === 'call refused');
}

describe('edge agent authorization', () => {
  it('edge agent answers UNAUTHENTICATED to a call without a token', async () => {
    const client = await edge.as(undefined);
    const err = await refusal(() => client.healthCheck({}));

    expect(err.code).toBe(Status.UNAUTHENTICATED);
    expect(err.details).toMatch(/no bearer token/);
  });

  it('edge agent refuses SetupEdgeRoute from a human (alice) with PERMISSION_DENIED and writes no route', async () => {
    const alice = await edge.as('alice');
    const err = await refusal(() => alice.setupEdgeRoute({ route: route() }));

    expect(err.code).toBe(Status.PERMISSION_DENIED);
    expect(err.details).toMatch(
      /account 'alice' \(human, roles admin\) may not call mcp\.v1\.AgentService\/SetupEdgeRoute: it is for the mcp-master service account/,
    );
    expect(await proxyRoutes()).toEqual([]);
    expect((await edge.client.listEdgeRoutes({})).routes).toEqual([]);
    const stored = (() => {
      try {
        return readFileSync(join(h.stateDir, STATE_FILE), 'utf8');
      } catch {
        return '{"routes":[]}';
      }
    })();
    expect((JSON.parse(stored) as { routes: unknown[] }).routes).toEqual([]);
  });

  it.each(['RemoveEdgeRoute', 'ListEdgeRoutes'])(
    'edge agent refuses %s from a human with PERMISSION_DENIED',
    async (method) => {
      const alice = await edge.as('alice');
      const call =
        method === 'RemoveEdgeRoute'
          ? () => alice.removeEdgeRoute({ listenerPort: h.listener, hostname: 'web.example.net' })
          : () => alice.listEdgeRoutes({});

      expect((await refusal(call)).code).toBe(Status.PERMISSION_DENIED);
    },
  );

  it('edge agent refuses a guest (gail) with PERMISSION_DENIED, even HealthCheck', async () => {
    const gail = await edge.as('gail');

    expect((await refusal(() => gail.healthCheck({}))).code).toBe(Status.PERMISSION_DENIED);
  });

  it('edge agent refuses an agent account with PERMISSION_DENIED', async () => {
    const agent = await edge.as('agent-rift');

    expect((await refusal(() => agent.setupEdgeRoute({ route: route() }))).code).toBe(
      Status.PERMISSION_DENIED,
    );
  });

  it('edge agent answers HealthCheck to an operator (alice): mcp agent status reads it', async () => {
    const alice = await edge.as('alice');

    expect((await alice.healthCheck({})).node).toBe('edge');
  });

  it('edge agent lets mcp-master set up and remove an edge route', async () => {
    const out = await edge.client.setupEdgeRoute({ route: route() });

    expect(out.change).toBe('added');
    expect((await proxyRoutes()).map((r) => r.hostname)).toEqual(['web.example.net']);
    expect(await h.get('web.example.net')).toBe('hello');
    expect(
      await edge.client.removeEdgeRoute({ listenerPort: h.listener, hostname: 'web.example.net' }),
    ).toEqual({ removed: true });
  });

  it('edge agent logs each refused call at warn with method, code and account, never the token', async () => {
    const token = await h.security.mcias.issueToken('bob');
    const bob = secureClient(
      AgentServiceDefinition,
      `${h.address}:${edge.agent.port}`,
      channelCredentials(h.ca.certPath),
      () => token,
    );
    try {
      await refusal(() => bob.client.setupEdgeRoute({ route: route() }));
    } finally {
      bob.channel.close();
    }

    const line = refusals().find((l) => l.username === 'bob');
    expect(line).toMatchObject({
      level: 40,
      method: 'mcp.v1.AgentService/SetupEdgeRoute',
      code: 'PERMISSION_DENIED',
      username: 'bob',
    });
    expect(refusals().some((l) => l.code === 'UNAUTHENTICATED')).toBe(true);
    expect(logged.join('')).not.toContain(token);
  });

  it('edge agent refuses a TLS 1.2-only client, and takes TLS 1.3 from the same place', async () => {
    expect(await handshake('TLSv1.2')).toMatch(/PROTOCOL_VERSION/);
    expect(await handshake('TLSv1.3')).toBe('connected with TLSv1.3');
  });
});

/** A bare TLS handshake with the edge's gRPC port: what came of it. */
function handshake(maxVersion: 'TLSv1.2' | 'TLSv1.3'): Promise<string> {
  const address = `${h.address}:${edge.agent.port}`;
  return tlsHandshake({ address, caFile: h.ca.certPath, maxVersion });
}
