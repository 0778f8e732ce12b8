// mcp-master: load the config, serve the CLI, and stop cleanly.
import { mkdirSync } from 'node:fs';

import { pino } from 'pino';

import { loadMasterConfig } from './config.js';
import { Master } from './master.js';
import { Nodes } from './nodes.js';
import { serveMaster } from './server.js';

/** Redacted wherever they appear in a log line. */
export const REDACT = ['token', '*.token', 'authorization', '*.authorization', 'key', '*.key'];

export interface RunningMaster {
  master: Master;
  port: number;
  close(): Promise<void>;
}

export async function startMaster(configFile: string): Promise<RunningMaster> {
  const config = loadMasterConfig(configFile);
  const log = pino({ level: config.logLevel, redact: REDACT, base: { role: 'master' } });
  mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });

  const nodes = new Nodes(config.nodes);
  const master = new Master(nodes, log);
  const { server, port } = await serveMaster(master, config.listen);
  log.info({ listen: config.listen, port, nodes: nodes.names() }, 'master started');

  return {
    master,
    port,
    async close() {
      await server.shutdown();
      nodes.close();
      log.info('master stopped');
    },
  };
}
