// One edge node for tests: a test CA, the MCIAS stand-in, an mc-proxy stand-in with one
// listener, the edge agent in this process over TLS 1.3 (restartable on the same state), clients
// calling it as any account, and helpers for backends and TLS requests.
import { writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AgentServiceDefinition, type AgentServiceClient } from '@mcp/proto';
import { channelCredentials, MASTER_ACCOUNT, secureClient } from '@mcp/security';
import {
  allocateLoopbackAddress,
  cleanupAll,
  createTestCa,
  DEFAULT_SERVICE_ACCOUNTS,
  freePort,
  startMcProxy,
  startTestSecurity,
  type McProxy,
  type TestCa,
  type TestSecurity,
} from '@mcp/testkit';
import { ClientError, createChannel, createClient, type Channel } from 'nice-grpc';

import { startEdgeAgent, type EdgeAgentOptions, type RunningEdgeAgent } from '../src/main.js';
import { tableLines } from './security-files.js';

/** The edge's own account in the harness: its node is `edge`. */
export const EDGE_ACCOUNT = 'agent-edge';

/** A running edge agent and a client of its AgentService. */
export interface EdgeUnderTest {
  agent: RunningEdgeAgent;
  /** Calls as the master (`mcp-master`), over TLS. */
  client: AgentServiceClient;
  /**
   * A client calling as `username` (a fresh token from the stand-in), or with no token at all
   * when undefined; over TLS. Closed with the edge.
   */
  as(username: string | undefined): Promise<AgentServiceClient>;
  /** Closes the client and the agent. */
  close(): Promise<void>;
}

export interface EdgeHarness {
  base: string;
  address: string;
  /** The proxy's listener port. */
  listener: number;
  ca: TestCa;
  /** The platform CA (the harness's `ca`) and the MCIAS stand-in. */
  security: TestSecurity;
  proxy: McProxy;
  certDir: string;
  stateDir: string;
  /** Starts an edge agent on the harness's state; extra config lines are appended. */
  start(lines?: string[], opts?: EdgeAgentOptions): Promise<EdgeUnderTest>;
  /** An HTTP server on the harness address answering `body`; resolves to `address:port`. */
  backend(body: string): Promise<string>;
  /** GET / over TLS to the proxy listener with `sni`, trusting the test CA; the body. */
  get(sni: string): Promise<string>;
  /** Stops everything and removes the directory. */
  teardown(): Promise<void>;
}

/** Makes the CA (with a certificate for `web.example.net`) and starts the proxy. */
export async function edgeHarness(prefix: string): Promise<EdgeHarness> {
  const base = await mkdtemp(join(tmpdir(), prefix));
  const address = allocateLoopbackAddress();
  const listener = await freePort(address);
  const certDir = join(base, 'certs');
  const stateDir = join(base, 'state');
  const ca = await createTestCa(join(base, 'ca'));
  await ca.issue({ names: ['web.example.net'], dir: certDir });
  const proxy = await startMcProxy({ dir: join(base, 'proxy'), address, listeners: [listener] });
  const security = await startTestSecurity({
    dir: join(base, 'security'),
    ca,
    services: [...DEFAULT_SERVICE_ACCOUNTS, EDGE_ACCOUNT],
  });
  const tables = tableLines(
    await security.configTables({ names: [address], account: EDGE_ACCOUNT }),
  );
  const masterToken = (await security.tokenFile(MASTER_ACCOUNT)).token;
  const credentials = channelCredentials(ca.certPath);
  const servers: Server[] = [];
  const edges: EdgeUnderTest[] = [];
  const caPem = await readFile(ca.certPath);
  let n = 0;

  return {
    base,
    address,
    listener,
    ca,
    security,
    proxy,
    certDir,
    stateDir,

    async start(lines = [], opts = {}) {
      const file = join(base, `edge-${n++}.toml`);
      const config = [
        'name = "edge"',
        `address = "${address}"`,
        `listen = "${address}:0"`,
        `state_dir = "${stateDir}"`,
        `proxy_socket = "${proxy.socketPath}"`,
        `cert_dir = "${certDir}"`,
        'zone = "test"',
        'allowed_domains = ["example.net"]',
        'overlay_cidr = "127.0.0.0/8"',
        ...(lines.some((l) => l.startsWith('log_level')) ? [] : ['log_level = "silent"']),
        ...lines,
        ...tables,
      ];
      writeFileSync(file, config.join('\n'));
      const agent = await startEdgeAgent(file, opts);
      const at = `${address}:${agent.port}`;
      const master = secureClient(AgentServiceDefinition, at, credentials, () => masterToken);
      const channels: Channel[] = [master.channel];
      const edge: EdgeUnderTest = {
        agent,
        client: master.client,
        async as(username) {
          if (username === undefined) {
            const channel = createChannel(at, credentials);
            channels.push(channel);
            return createClient(AgentServiceDefinition, channel);
          }
          const token = await security.mcias.issueToken(username);
          const other = secureClient(AgentServiceDefinition, at, credentials, () => token);
          channels.push(other.channel);
          return other.client;
        },
        async close() {
          const i = edges.indexOf(edge);
          if (i < 0) return;
          edges.splice(i, 1);
          for (const channel of channels) channel.close();
          await agent.close();
        },
      };
      edges.push(edge);
      return edge;
    },

    async backend(body) {
      const server = createServer((_req, res) => res.end(body));
      servers.push(server);
      await new Promise<void>((ok) => server.listen(0, address, ok));
      const { port } = server.address() as { port: number };
      return `${address}:${port}`;
    },

    get(sni) {
      return new Promise((ok, fail) => {
        const req = request(
          {
            host: address,
            port: listener,
            servername: sni,
            ca: caPem,
            path: '/',
            headers: { host: sni },
            // A new connection each time, so each request is routed afresh.
            agent: false,
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (body += chunk));
            res.on('end', () => ok(body));
            res.on('error', fail);
          },
        );
        req.setTimeout(5_000, () => req.destroy(new Error('request timed out')));
        req.on('error', fail);
        req.end();
      });
    },

    async teardown() {
      for (const edge of [...edges]) await edge.close();
      for (const server of servers) server.close();
      await security.stop();
      await cleanupAll();
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** The refusal a call met; fails the test when the call succeeded. */
export async function refusal(call: () => Promise<unknown>): Promise<ClientError> {
  try {
    await call();
  } catch (err) {
    if (err instanceof ClientError) return err;
    throw err;
  }
  throw new Error('the call succeeded');
}
