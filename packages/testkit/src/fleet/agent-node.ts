// One compute node of a local fleet: its own loopback address, Podman, state and /srv.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { stringify } from 'smol-toml';

import { freePort, allocateLoopbackAddress } from '../net.js';
import { startPodman, type Podman } from '../podman.js';
import { spawnProcess, type SpawnedProcess } from '../process.js';
import { waitForTcp } from '../wait.js';
import { PROGRAMS } from './paths.js';

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
  /** The running agent process, undefined while stopped. */
  readonly process: SpawnedProcess | undefined;
  /** Starts the agent process and waits until it listens. */
  start(): Promise<void>;
  /** Stops the agent process (SIGTERM); containers keep running. */
  stop(): Promise<void>;
  /** Kills the agent process (SIGKILL); containers keep running. */
  kill(): Promise<void>;
}

export async function startFleetAgent(
  dir: string,
  name: string,
  registry: string,
): Promise<FleetAgent> {
  const address = allocateLoopbackAddress();
  const port = await freePort(address);
  const home = join(dir, 'nodes', name);
  const stateDir = join(home, 'state');
  const srvRoot = join(home, 'srv');
  mkdirSync(srvRoot, { recursive: true });

  const podman = await startPodman({ dir: join(home, 'podman'), insecureRegistries: [registry] });
  const configFile = join(home, 'agent.toml');
  writeFileSync(
    configFile,
    stringify({
      name,
      address,
      listen: `${address}:${port}`,
      state_dir: stateDir,
      srv_root: srvRoot,
      runtime_socket: podman.socketPath,
      log_level: 'debug',
      ports: { min: 20000, max: 20999 },
    }),
  );

  let proc: SpawnedProcess | undefined;
  const agent: FleetAgent = {
    name,
    address,
    listen: `${address}:${port}`,
    configFile,
    stateDir,
    srvRoot,
    podman,
    get process() {
      return proc;
    },
    async start() {
      if (proc?.running()) return;
      proc = await spawnProcess(process.execPath, [PROGRAMS.agent, '--config', configFile], {
        logFile: join(dir, 'logs', `agent-${name}.log`),
      });
      await waitForTcp(address, port, 15_000);
    },
    async stop() {
      await proc?.stop();
      proc = undefined;
    },
    async kill() {
      if (proc?.running()) process.kill(proc.pid, 'SIGKILL');
      await proc?.exited;
      proc = undefined;
    },
  };
  await agent.start();
  return agent;
}
