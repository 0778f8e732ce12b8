// mcp-edge-agent: load the config, serve AgentService (HealthCheck only), join the fleet with
// role edge, and stop cleanly.
import { mkdirSync } from 'node:fs';

import { startMembership, type Membership } from '@mcp/membership';
import { pino } from 'pino';

import { loadEdgeConfig } from './config.js';
import { edgeNodeInfo, edgeUsage } from './fleet.js';
import { serveEdgeAgent } from './server.js';
import { edgeAgentVersion } from './version.js';

/** Redacted wherever they appear in a log line. */
export const REDACT = ['token', '*.token', 'authorization', '*.authorization', 'key', '*.key'];

export interface RunningEdgeAgent {
  /** The port the gRPC server bound. */
  port: number;
  /** Stops membership, then the server. */
  close(): Promise<void>;
}

/** Starts an edge agent from a config file. */
export async function startEdgeAgent(configFile: string): Promise<RunningEdgeAgent> {
  const config = loadEdgeConfig(configFile);
  const log = pino({ level: config.logLevel, redact: REDACT, base: { node: config.name } });
  const version = edgeAgentVersion();
  mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });

  const { server, port } = await serveEdgeAgent(config.name, version, config.listen);
  log.info({ listen: config.listen, port, version }, 'edge agent started');

  // Join the fleet once serving, so the master's first probe finds the agent answering.
  let membership: Membership | undefined;
  if (config.master) {
    membership = startMembership({
      masterAddress: config.master,
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
      await server.shutdown();
      log.info('edge agent stopped');
    },
  };
}
