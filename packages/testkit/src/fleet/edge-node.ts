// The edge node of a local fleet: a trimmed agent with no container runtime.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { stringify } from 'smol-toml';

import { allocateLoopbackAddress, freePort } from '../net.js';
import type { McProxy } from '../mcproxy/start.js';
import type { SpawnedProcess } from '../process.js';
import type { AgentContext } from './agent-node.js';
import { PROGRAMS } from './paths.js';
import { program } from './program.js';
import { startNodeProxy } from './proxy-node.js';

export interface FleetEdge {
  readonly name: string;
  readonly address: string;
  readonly listen: string;
  readonly configFile: string;
  readonly stateDir: string;
  /** The edge's mc-proxy: the public listeners. */
  readonly proxy: McProxy;
  /** Where the edge's certificates for public names are. */
  readonly certDir: string;
  readonly process: SpawnedProcess | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFleetEdge(ctx: AgentContext, name: string): Promise<FleetEdge> {
  const address = allocateLoopbackAddress();
  const port = await freePort(address);
  const home = join(ctx.dir, 'nodes', name);
  const stateDir = join(home, 'state');
  const configFile = join(home, 'edge-agent.toml');
  mkdirSync(home, { recursive: true });
  const { proxy, certDir } = await startNodeProxy(ctx.proxies, home, address, 'edge');
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
      log_level: 'debug',
      heartbeat_interval_ms: ctx.heartbeatIntervalMs,
      proxy_socket: proxy.socketPath,
      cert_dir: certDir,
      zone: ctx.proxies.zone,
      allowed_domains: [...ctx.proxies.allowedDomains],
      // Test nodes live on loopback addresses, not in 100.64.0.0/10.
      overlay_cidr: '127.0.0.0/8',
      ...(ctx.proxies.acme ? { acme: ctx.proxies.acme } : {}),
    }),
  );

  const run = program({
    command: [process.execPath, PROGRAMS.edgeAgent, '--config', configFile],
    logFile: join(ctx.dir, 'logs', `edge-${name}.log`),
    host: address,
    port,
  });
  const edge: FleetEdge = {
    name,
    address,
    listen: `${address}:${port}`,
    configFile,
    stateDir,
    proxy,
    certDir,
    get process() {
      return run.process;
    },
    start: () => run.start(),
    stop: () => run.stop(),
  };
  await edge.start();
  return edge;
}
