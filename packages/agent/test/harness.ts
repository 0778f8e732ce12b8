// A real Podman service, a registry with the test image, and agents built on them directly.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AcmeSettings } from '@mcp/mcproxy';
import { RouteMode, ServiceSpec, type ComponentSpec } from '@mcp/proto';
import {
  allocateLoopbackAddress,
  buildTestImage,
  cleanupAll,
  startPodman,
  startRegistry,
  type Podman,
} from '@mcp/testkit';
import { pino, type Logger } from 'pino';

import { Agent } from '../src/agent.js';
import type { AgentConfig } from '../src/config.js';
import { openRegistry } from '../src/db/index.js';
import { Store } from '../src/db/store.js';
import { Runtime } from '../src/runtime/runtime.js';

/**
 * Serves `/` over HTTP on `$PORT` (so `/VERSION` names the image's tag) and exits at once on
 * SIGTERM. The test image has no `/tmp`.
 */
export const HTTPD = ['sh', '-c', "trap 'exit 0' TERM; httpd -f -p $PORT -h / & wait"];

export interface Harness {
  podman: Podman;
  /** The test image tagged v1 and v2. */
  images: [string, string];
  /** A fresh agent on its own registry, node name and loopback address. */
  agent(options?: AgentOptions): Agent;
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

let nodes = 0;

export async function startHarness(): Promise<Harness> {
  const base = mkdtempSync(join(tmpdir(), 'agent-test-'));
  const registry = await startRegistry({ dir: join(base, 'registry') });
  const podman = await startPodman({
    dir: join(base, 'podman'),
    insecureRegistries: [registry.address],
  });
  const [v1 = '', v2 = ''] = await buildTestImage({ podman, registry });
  const closers: (() => void)[] = [];

  return {
    podman,
    images: [v1, v2],
    agent(options = {}) {
      const config = agentConfig(base, podman, options);
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
      for (const close of closers) close();
      await cleanupAll();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** The configuration `agent()` uses, also for agents started from a file. */
export function agentConfig(base: string, podman: Podman, options: AgentOptions): AgentConfig {
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

/** A component serving HTTP on its single route. */
export function web(name: string, image: string, extra: Partial<ComponentSpec> = {}) {
  return {
    name,
    image,
    cmd: HTTPD,
    routes: [{ name: '', port: 8080, mode: RouteMode.ROUTE_MODE_L7, hostname: '', public: false }],
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
