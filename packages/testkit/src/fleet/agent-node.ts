// One node of a local fleet: its own address (loopback, or a network namespace), Podman, state
// and /srv, and the agent process that serves it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { stringify } from 'smol-toml';

import { allocateLoopbackAddress, freePort } from '../net.js';
import type { NetnsHost, TestNetwork } from '../netns.js';
import { startPodman, type Podman } from '../podman.js';
import type { TestSecurity } from '../security.js';
import type { SpawnedProcess } from '../process.js';
import type { McProxy } from '../mcproxy/start.js';
import { PROGRAMS } from './paths.js';
import { program } from './program.js';
import { startNodeProxy, type FleetProxyContext } from './proxy-node.js';

/** How one compute node of a fleet is made. */
export interface FleetNodeOptions {
  name: string;
  /** Pool labels the agent declares. Default none. */
  pools?: string[];
  /** Architecture the agent reports. Default: this machine's. */
  arch?: string;
  /** Roles the agent declares. Default `['compute']`. */
  roles?: string[];
  /** Fixed capacity the agent reports, e.g. `{ memory: '2Gi' }`. Default: measured. */
  capacity?: { cpu?: string; memory?: string; disk?: string };
  /** Put the node in its own network namespace so a test can cut it off. Default false. */
  netns?: boolean;
}

/** A compute node of the fleet and the agent process that serves it. */
export interface FleetAgent {
  readonly name: string;
  /** The node's own address; host ports bind here. */
  readonly address: string;
  /** Agent gRPC address `host:port`. */
  readonly listen: string;
  readonly configFile: string;
  readonly stateDir: string;
  /** The directory that stands for `/srv` on this node. */
  readonly srvRoot: string;
  readonly podman: Podman;
  /** The node's mc-proxy; undefined for a node in a namespace (the stand-in runs outside). */
  readonly proxy: McProxy | undefined;
  /** Where the node's route certificates are. */
  readonly certDir: string;
  /** The node's namespace, when it has one: `cut()` and `restore()` its link. */
  readonly host: NetnsHost | undefined;
  /** The running agent process, undefined while stopped. */
  readonly process: SpawnedProcess | undefined;
  /** Starts the agent process and waits until it listens. */
  start(): Promise<void>;
  /** Stops the agent process (SIGTERM); containers keep running. */
  stop(): Promise<void>;
  /** Kills the agent process (SIGKILL); containers keep running. */
  kill(): Promise<void>;
}

/** What every agent of one fleet shares. */
export interface AgentContext {
  dir: string;
  /** Gives each agent its pair and `agent-<node>` token. */
  security: TestSecurity;
  registry: string;
  master: string;
  heartbeatIntervalMs: number;
  network: TestNetwork | undefined;
  proxies: FleetProxyContext;
}

export async function startFleetAgent(
  ctx: AgentContext,
  opts: FleetNodeOptions,
): Promise<FleetAgent> {
  const { dir, name } = { dir: ctx.dir, name: opts.name };
  const host = opts.netns ? await requireNetwork(ctx).addHost(name) : undefined;
  const address = host?.address ?? allocateLoopbackAddress();
  const port = host ? 7443 : await freePort(address);
  // Short paths: Podman refuses a runroot longer than 50 characters.
  const home = join(dir, 'n', name);
  const stateDir = join(home, 'state');
  const srvRoot = join(home, 'srv');
  mkdirSync(srvRoot, { recursive: true });

  const podman = await startPodman({
    dir: join(home, 'pm'),
    insecureRegistries: [ctx.registry],
    ...(host ? { netns: host.netns } : {}),
  });
  // Only a node on a loopback address gets a proxy: the stand-in cannot bind inside a namespace.
  const px = host ? undefined : await startNodeProxy(ctx.proxies, home, address, 'compute');
  const certDir = px?.certDir ?? join(home, 'certs');
  const configFile = join(home, 'agent.toml');
  const tables = await ctx.security.configTables({ names: [address], account: `agent-${name}` });
  writeFileSync(
    configFile,
    stringify({
      name,
      address,
      listen: `${address}:${port}`,
      ...tables,
      master: ctx.master,
      state_dir: stateDir,
      srv_root: srvRoot,
      runtime_socket: podman.socketPath,
      log_level: 'debug',
      heartbeat_interval_ms: ctx.heartbeatIntervalMs,
      roles: opts.roles ?? ['compute'],
      pools: opts.pools ?? [],
      ...(opts.arch ? { arch: opts.arch } : {}),
      ...(opts.capacity ? { capacity: opts.capacity } : {}),
      ports: { min: 20000, max: 20999 },
      zone: ctx.proxies.zone,
      cert_dir: certDir,
      ...(px ? { proxy_socket: px.proxy.socketPath } : {}),
      ...(ctx.proxies.acme ? { acme: ctx.proxies.acme } : {}),
    }),
  );

  const prefix = host ? ['nsenter', `--net=/run/netns/${host.netns}`] : [];
  const run = program({
    command: [...prefix, process.execPath, PROGRAMS.agent, '--config', configFile],
    logFile: join(dir, 'logs', `agent-${name}.log`),
    host: address,
    port,
  });
  const agent: FleetAgent = {
    name,
    address,
    listen: `${address}:${port}`,
    configFile,
    stateDir,
    srvRoot,
    podman,
    proxy: px?.proxy,
    certDir,
    host,
    get process() {
      return run.process;
    },
    start: () => run.start(),
    stop: () => run.stop(),
    kill: () => run.kill(),
  };
  await agent.start();
  return agent;
}

function requireNetwork(ctx: AgentContext): TestNetwork {
  if (!ctx.network) throw new Error('a namespaced node needs the fleet to create its test network');
  return ctx.network;
}
