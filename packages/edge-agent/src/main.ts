// mcp-edge-agent: load the config and the stored routes, serve AgentService, keep the edge's
// mc-proxy in line with the stored routes, join the fleet with role edge, and stop cleanly.
import { mkdirSync } from 'node:fs';

import { acmeCertificates, ProxyClient } from '@mcp/mcproxy';
import { startMembership, type Membership } from '@mcp/membership';
import { loadSecurity, REDACT_PATHS, scrubGrpcLogs } from '@mcp/security';
import { pino, type DestinationStream } from 'pino';

import { systemResolve, type Resolve } from './backend.js';
import { loadEdgeConfig } from './config.js';
import { InvalidEdgeRouteError } from './errors.js';
import { edgeNodeInfo, edgeUsage } from './fleet.js';
import { Overlay } from './overlay.js';
import { certificateRenewal } from './renew.js';
import { startResync } from './resync.js';
import { EdgeRoutes } from './routes.js';
import { serveEdgeAgent } from './server.js';
import { StateFile } from './state.js';
import { checkStoredRoute } from './validate.js';
import { edgeAgentVersion } from './version.js';

export interface RunningEdgeAgent {
  /** The port the gRPC server bound. */
  port: number;
  /** Stops membership and the re-sync, then the server. */
  close(): Promise<void>;
}

/** Options for tests and embedders. */
export interface EdgeAgentOptions {
  /** How backend names resolve. Default the system resolver (node:dns lookup). */
  resolve?: Resolve;
  /** Where log lines go (at the config's `log_level`). Default standard output. */
  logDestination?: DestinationStream;
}

/** Starts an edge agent from a config file. */
export async function startEdgeAgent(
  configFile: string,
  opts: EdgeAgentOptions = {},
): Promise<RunningEdgeAgent> {
  const config = loadEdgeConfig(configFile);
  const logOptions = {
    level: config.logLevel,
    redact: [...REDACT_PATHS],
    base: { node: config.name },
  };
  const log = opts.logDestination ? pino(logOptions, opts.logDestination) : pino(logOptions);
  // grpc-js's own stderr lines can echo a header value: scrubbed and cut before any call.
  scrubGrpcLogs();

  // Keys, certificates and the token file are read now: a bad one stops the agent at start.
  const security = loadSecurity(config.security);
  const version = edgeAgentVersion();
  mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });

  // The stored routes, and the proxy they are applied to.
  const proxy = new ProxyClient(config.proxySocket);
  const routes = new EdgeRoutes(new StateFile(config.stateDir), proxy, config.certDir);
  const certificates = config.acme && acmeCertificates(config.acme, config.certDir);
  const rules = {
    allowedDomains: config.allowedDomains,
    certDir: config.certDir,
    certificates,
    overlay: new Overlay(config.overlayCidr),
    internalZone: `svc.mcp.${config.zone}`,
    resolve: opts.resolve ?? systemResolve,
  };

  // Stored routes meet today's rules before anything reaches the proxy or a caller.
  for (const { route, error } of await routes.recheck((r) => checkStoredRoute(r, rules))) {
    const reason = error instanceof InvalidEdgeRouteError ? error.reason : error.message;
    const field = error instanceof InvalidEdgeRouteError ? error.field : undefined;
    const { hostname, listenerPort, service } = route;
    log.warn({ hostname, listenerPort, service, field, reason }, 'stored edge route dropped');
  }

  const rpcs = { routes, rules, log };
  const { server, port } = await serveEdgeAgent(
    config.name,
    version,
    config.listen,
    rpcs,
    security,
  );
  log.info(
    { listen: config.listen, port, version, routes: routes.list().length },
    'edge agent started',
  );
  const renew =
    certificates &&
    certificateRenewal(routes, certificates, config.acme?.checkIntervalMs ?? 3_600_000, log);
  const resync = startResync(routes, config.heartbeatIntervalMs, log, renew);

  // Join the fleet once serving, so the master's first probe finds the agent answering.
  let membership: Membership | undefined;
  if (config.master) {
    membership = startMembership({
      masterAddress: config.master,
      credentials: security.channel,
      token: security.token,
      node: edgeNodeInfo(config, version, config.listen.replace(/:\d+$/, `:${port}`)),
      usage: () => edgeUsage(config),
      intervalMs: config.heartbeatIntervalMs,
      log,
    });
  } else {
    log.info('no master configured; running unregistered');
  }

  return {
    port,
    async close() {
      await membership?.stop();
      await resync.stop();
      await server.shutdown();
      proxy.close();
      log.info('edge agent stopped');
    },
  };
}
