// The edge node of a local fleet: a trimmed agent with no container runtime.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { stringify } from 'smol-toml';

import { allocateLoopbackAddress, freePort } from '../net.js';
import type { SpawnedProcess } from '../process.js';
import type { AgentContext } from './agent-node.js';
import { PROGRAMS } from './paths.js';
import { program } from './program.js';

export interface FleetEdge {
  readonly name: string;
  readonly address: string;
  readonly listen: string;
  readonly configFile: string;
  readonly stateDir: string;
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
  writeFileSync(
    configFile,
    stringify({
      name,
      address,
      listen: `${address}:${port}`,
      master: ctx.master,
      state_dir: stateDir,
      log_level: 'debug',
      heartbeat_interval_ms: ctx.heartbeatIntervalMs,
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
    get process() {
      return run.process;
    },
    start: () => run.start(),
    stop: () => run.stop(),
  };
  await edge.start();
  return edge;
}
