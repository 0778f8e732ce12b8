// A real Podman service, a registry with the test image, the MCIAS stand-in and a TLS pair for
// 127.0.0.1, and agents built on them directly (served over TLS 1.3 on demand).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AcmeSettings } from '@mcp/mcproxy';
import {
  AgentServiceDefinition,
  RouteMode,
  ServiceSpec,
  type AgentServiceClient,
  type ComponentSpec,
} from '@mcp/proto';
import {
  channelCredentials,
  loadSecurity,
  MASTER_ACCOUNT,
  secureClient,
  type SecurityConfig,
} from '@mcp/security';
import {
  allocateLoopbackAddress,
  buildTestImage,
  cleanupAll,
  startPodman,
  startRegistry,
  startTestSecurity,
  type Podman,
  type TestSecurity,
} from '@mcp/testkit';
import { createChannel, createClient, type Channel } from 'nice-grpc';
import { pino, type Logger } from 'pino';

import { Agent } from '../src/agent.js';
import type { AgentConfig } from '../src/config.js';
import { openRegistry } from '../src/db/index.js';
import { Store } from '../src/db/store.js';
import { Runtime } from '../src/runtime/runtime.js';
import { serveAgent } from '../src/server.js';

/**
 * Serves `/` over HTTP on `$PORT` (so `/VERSION` names the image's tag) and exits at once on
 * SIGTERM. The test image has no `/tmp`.
 */
export const HTTPD = ['sh', '-c', "trap 'exit 0' TERM; httpd -f -p $PORT -h / & wait"];

export interface Harness {
  podman: Podman;
  /** The test image tagged v1 and v2. */
  images: [string, string];
  /** The platform CA and the MCIAS stand-in (humans alice, bob, gail; mcp-master, agent-*). */
  security: TestSecurity;
  /** A fresh agent on its own registry, node name and loopback address. */
  agent(options?: AgentOptions): Agent;
  /** Serves `agent`'s AgentService on 127.0.0.1:0 over TLS 1.3, as mcp-agent does. */
  serve(agent: Agent): Promise<Served>;
  /**
   * A client of an agent serving on 127.0.0.1:`port`, over TLS, calling as `username` (a fresh
   * token; default mcp-master), or with no token when undefined. Closed by `stop()`.
   */
  dial(port: number, username?: string | undefined): Promise<AgentServiceClient>;
  /** Closes every agent's registry and stops Podman and the registry. */
  stop(): Promise<void>;
}

export interface AgentOptions {
  /** Default a fresh name. */
  node?: string;
  /** Default a fresh state directory. */
  stateDir?: string;
  /** Default a fresh loopback address. */
  address?: string;
  /** Default a random block of 40 ports in 30000..59999. */
  ports?: { min: number; max: number };
  /** Default silent. */
  log?: Logger;
  /** The node's mc-proxy admin socket. Default none: no routes are registered. */
  proxySocket?: string;
  /** Default `<state dir>/certs`. */
  certDir?: string;
  /** Default `local`. */
  zone?: string;
  /** Default 10 000. */
  heartbeatIntervalMs?: number;
  /** `[acme]`. Default none: certificates are placed by hand. */
  acme?: AcmeSettings;
}

/** An agent served over TLS, and clients of it. */
export interface Served {
  port: number;
  /** Calls as the master (`mcp-master`). */
  client: AgentServiceClient;
  /** A client calling as `username` (a fresh token), or with no token when undefined. */
  as(username: string | undefined): Promise<AgentServiceClient>;
}

let nodes = 0;

/** `[tls]` and `[mcias]` of a config, as the TOML tables an agent.toml carries. */
export function securityTables(security: SecurityConfig) {
  return {
    tls: {
      ca_file: security.tls.caFile,
      cert_file: security.tls.certFile,
      key_file: security.tls.keyFile,
    },
    mcias: {
      url: security.mcias.url,
      ca_file: security.mcias.caFile,
      token_file: security.mcias.tokenFile,
    },
  };
}

export async function startHarness(): Promise<Harness> {
  const base = mkdtempSync(join(tmpdir(), 'agent-test-'));
  const registry = await startRegistry({ dir: join(base, 'registry') });
  const podman = await startPodman({
    dir: join(base, 'podman'),
    insecureRegistries: [registry.address],
  });
  const [v1 = '', v2 = ''] = await buildTestImage({ podman, registry });
  const closers: (() => unknown)[] = [];

  // Every agent of the harness serves with one pair for 127.0.0.1 and holds an agent token.
  const security = await startTestSecurity({ dir: join(base, 'security') });
  const tables = await security.configTables({ names: ['127.0.0.1'], account: 'agent-rift' });
  const securityConfig: SecurityConfig = {
    tls: {
      caFile: tables.tls.ca_file,
      certFile: tables.tls.cert_file,
      keyFile: tables.tls.key_file,
    },
    mcias: {
      url: tables.mcias.url,
      caFile: tables.mcias.ca_file,
      tokenFile: tables.mcias.token_file,
    },
  };
  const masterToken = (await security.tokenFile(MASTER_ACCOUNT)).token;
  const credentials = channelCredentials(security.ca.certPath);
  const channels: Channel[] = [];
  closers.push(() => channels.forEach((c) => c.close()));
  async function dial(port: number, ...who: [string?]): Promise<AgentServiceClient> {
    const at = `127.0.0.1:${port}`;
    const username = who.length === 0 ? MASTER_ACCOUNT : who[0];
    if (username === undefined) {
      const channel = createChannel(at, credentials);
      channels.push(channel);
      return createClient(AgentServiceDefinition, channel);
    }
    const token =
      username === MASTER_ACCOUNT ? masterToken : await security.mcias.issueToken(username);
    const made = secureClient(AgentServiceDefinition, at, credentials, () => token);
    channels.push(made.channel);
    return made.client;
  }

  return {
    podman,
    images: [v1, v2],
    security,
    async serve(agent) {
      const { server, port } = await serveAgent(
        agent,
        'test',
        '127.0.0.1:0',
        loadSecurity(agent.config.security),
      );
      closers.push(() => server.forceShutdown());
      return {
        port,
        client: await dial(port),
        as: (username) => dial(port, username),
      };
    },
    dial,
    agent(options = {}) {
      const config = { ...agentConfig(base, podman, options), security: securityConfig };
      const db = openRegistry(config.stateDir);
      const runtime = new Runtime(podman.socketPath, config.name);
      const log = options.log ?? pino({ level: 'silent' });
      const agent = new Agent(config, runtime, new Store(db), log);
      closers.push(() => {
        agent.close();
        db.$client.close();
      });
      return agent;
    },
    async stop() {
      for (const close of closers) await close();
      await security.stop();
      await cleanupAll();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** The configuration `agent()` uses, but its `security` (the harness's). */
export function agentConfig(
  base: string,
  podman: Podman,
  options: AgentOptions,
): Omit<AgentConfig, 'security'> {
  nodes += 1;
  const min = options.ports?.min ?? 30000 + 40 * Math.floor(Math.random() * 750);
  const srvRoot = join(base, `srv-${nodes}`);
  mkdirSync(srvRoot, { recursive: true });
  const stateDir = options.stateDir ?? mkdtempSync(join(base, 'state-'));
  return {
    name: options.node ?? `node${process.pid}x${nodes}`,
    address: options.address ?? allocateLoopbackAddress(),
    listen: '127.0.0.1:0',
    stateDir,
    srvRoot,
    runtimeSocket: podman.socketPath,
    logLevel: 'silent',
    ports: options.ports ?? { min, max: min + 39 },
    roles: ['compute'],
    pools: [],
    arch: 'amd64',
    os: 'linux',
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 10_000,
    reserved: { cpuMillis: 0, memoryBytes: 0, diskBytes: 0 },
    proxySocket: options.proxySocket,
    certDir: options.certDir ?? join(stateDir, 'certs'),
    zone: options.zone ?? 'local',
    acme: options.acme,
  };
}

/**
 * A component serving HTTP on its single route, on listener `port` (default 8080). Two
 * components of one service need two listeners: both routes would be the service's internal
 * name on the node's proxy.
 */
export function web(name: string, image: string, extra: Partial<ComponentSpec> = {}, port = 8080) {
  return {
    name,
    image,
    cmd: HTTPD,
    routes: [{ name: '', port, mode: RouteMode.ROUTE_MODE_L7, hostname: '', public: false }],
    ...extra,
  };
}

/** A service of the given components, active unless said otherwise. */
export function service(
  name: string,
  components: Partial<ComponentSpec>[],
  active = true,
): ServiceSpec {
  return ServiceSpec.fromPartial({ name, active, components });
}
