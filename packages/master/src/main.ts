// mcp-master: load the config, rebuild the fleet view from the cache and the agents, serve the
// CLI and the agents, watch the nodes' health, and stop cleanly.
import { mkdirSync } from 'node:fs';

import { loadSecurity, REDACT_PATHS, scrubGrpcLogs } from '@mcp/security';
import { pino, type Logger } from 'pino';

import { Agents } from './agents.js';
import { NodeCache } from './cache.js';
import { systemClock, type Clock } from './clock.js';
import { loadMasterConfig, type MasterConfig } from './config.js';
import { DnsRecords } from './dns.js';
import { EdgeRoutes } from './edge.js';
import { cachedNodeRefusal } from './fleet-service.js';
import { HealthMonitor } from './health.js';
import { Locator } from './locate.js';
import { Master } from './master.js';
import { McnsClient } from './mcns.js';
import { NodeRegistry } from './registry.js';
import { ProxyRoutes } from './routes.js';
import { serveMaster } from './server.js';

/** Heartbeat intervals of silence after which a node is stale and probed. */
const MISSED_INTERVALS = 3;

/** What tests and embedders may replace. */
export interface MasterOptions {
  /** Default: the machine's clock. */
  clock?: Clock;
  /** Default: pino at the configured level, to stdout. */
  log?: Logger;
  /** How often the health monitor looks for silent nodes. Default: see HealthOptions. */
  healthTickMs?: number;
  /**
   * After start the master refuses deploys this long (UNAVAILABLE), so that it does not place a
   * service again that runs on a node which has not reported yet. Default: one heartbeat
   * interval plus its 10% jitter.
   */
  startupGraceMs?: number;
}

export interface RunningMaster {
  master: Master;
  registry: NodeRegistry;
  monitor: HealthMonitor;
  port: number;
  /** Settles when every cached node has been probed once after the start. */
  rebuilt: Promise<void>;
  close(): Promise<void>;
}

/** Starts the master from a config file. */
export function startMaster(configFile: string, options?: MasterOptions): Promise<RunningMaster> {
  return runMaster(loadMasterConfig(configFile), options);
}

/** Starts the master from a loaded config. */
export async function runMaster(
  config: MasterConfig,
  options: MasterOptions = {},
): Promise<RunningMaster> {
  const clock = options.clock ?? systemClock;
  const log =
    options.log ??
    pino({ level: config.logLevel, redact: [...REDACT_PATHS], base: { role: 'master' } });
  const intervalMs = config.heartbeatIntervalMs;
  const staleAfterMs = MISSED_INTERVALS * intervalMs;
  mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
  // grpc-js's own stderr lines can echo a header value: scrubbed and cut before any call.
  scrubGrpcLogs();

  // Keys, certificates and the master's token file are read here, before anything is served.
  const security = loadSecurity(config.security);

  // The registry, filled first from the cache so early heartbeats find their nodes, with the
  // services each last reported. The cache is written when a node joins or changes, or its
  // services do (never called before the cache exists).
  const registry = new NodeRegistry({ clock, intervalMs, onChange: () => cache.changed() });
  const cache = new NodeCache(config.stateDir, () => registry.entries(), log);
  // A node [auth] no longer admits is forgotten: it would be probed and used without registering.
  const cached = cache.read().filter(({ info }) => {
    const refusal = cachedNodeRefusal(info, config.auth);
    if (refusal) log.warn({ node: info.name, reason: refusal.message }, 'cached node dropped');
    return refusal === undefined;
  });
  registry.restore(cached);

  const agents = new Agents(registry, { credentials: security.channel, token: security.token });
  const locator = new Locator(registry, agents, config.probeTimeoutMs);
  const { probeTimeoutMs } = config;
  const edge = new EdgeRoutes(registry, agents, log);
  const dns =
    config.mcns &&
    new DnsRecords(
      new McnsClient({ url: config.mcns.url, token: config.mcns.token }),
      config.mcns.zone,
      registry,
      log,
      () => clock.now(),
    );
  const readyAtMs = clock.now() + (options.startupGraceMs ?? Math.ceil(intervalMs * 1.1));
  const master = new Master({
    registry,
    agents,
    locator,
    clock,
    staleAfterMs,
    probeTimeoutMs,
    readyAtMs,
    edge,
    allowedDomains: config.allowedDomains,
    dns,
    log,
  });
  const routes = new ProxyRoutes(registry, agents, edge);
  const monitor = new HealthMonitor(registry, agents, {
    intervalMs,
    probeTimeoutMs,
    clock,
    log,
    tickMs: options.healthTickMs,
  });
  const { server, port } = await serveMaster(
    { master, routes, registry },
    {
      intervalMs,
      log,
      clock,
      auth: config.auth,
      onNode:
        dns && ((node, registered) => (registered ? dns.nodeRegistered(node) : dns.nodeSeen(node))),
      onRecovered: (node) => agents.reconnect(node),
      verifyAgent: (node, address) => agents.verify(node, address, probeTimeoutMs),
    },
    config.listen,
    security,
  );
  monitor.start();
  const driftCheck = setTimeout(() => void reportDrift(master, log), readyAtMs - clock.now());
  driftCheck.unref();

  // Probe every cached node at once rather than wait for heartbeats.
  const rebuilt = monitor.probeAll(
    cached.map((n) => n.info.name),
    true,
  );
  const mcns = config.mcns && { url: config.mcns.url, zone: config.mcns.zone };
  log.info(
    {
      listen: config.listen,
      port,
      cached: cached.length,
      intervalMs,
      mcns,
      mcias: config.security.mcias.url,
      agents: config.auth.agents.length,
      maxNodes: config.auth.maxNodes,
    },
    'master started',
  );

  return {
    master,
    registry,
    monitor,
    port,
    rebuilt,
    async close() {
      clearTimeout(driftCheck);
      monitor.close();
      await server.shutdown();
      agents.close();
      await cache.flush();
      log.info('master stopped');
    },
  };
}

/**
 * Once the nodes have reported after a start, compares the edges' routes with where services
 * run and logs every drift (read-only: `mcp edge list` shows the same; nothing is repaired).
 */
async function reportDrift(master: Master, log: Logger): Promise<void> {
  try {
    const { routes, errors } = await master.edgeRoutes();
    for (const r of routes.filter((x) => x.drift)) {
      log.warn({ edge: r.edge, hostname: r.route?.hostname, drift: r.drift }, 'edge route drift');
    }
    for (const e of errors) log.warn({ node: e.node, err: e.error }, 'drift not checked');
    log.info(
      { routes: routes.length, drifted: routes.filter((x) => x.drift).length },
      'edge checked',
    );
  } catch (err) {
    log.warn({ err }, 'edge routes not checked after start');
  }
}
