// One of the product's programs in a fleet (agent, edge agent, master): started as a child
// process that logs to a file, ready when its gRPC port accepts, stopped or killed by its PID.
import { spawnProcess, type SpawnedProcess } from '../process.js';
import { waitForTcp } from '../wait.js';

export interface ProgramOptions {
  /** Program and arguments, e.g. `[node, mcp-agent.js, --config, file]`. */
  command: readonly string[];
  logFile: string;
  /** Where it listens once ready. */
  host: string;
  port: number;
}

/** A restartable program. */
export interface Program {
  /** The running process, undefined while stopped. */
  readonly process: SpawnedProcess | undefined;
  /** Starts it (unless it runs) and waits until it listens. */
  start(): Promise<void>;
  /** SIGTERM, then SIGKILL after a timeout. */
  stop(): Promise<void>;
  /** SIGKILL at once. */
  kill(): Promise<void>;
}

export function program(opts: ProgramOptions): Program {
  const [bin, ...args] = opts.command;
  if (!bin) throw new Error('a program needs a command');
  let proc: SpawnedProcess | undefined;
  return {
    get process() {
      return proc;
    },
    async start() {
      if (proc?.running()) return;
      proc = await spawnProcess(bin, args, { logFile: opts.logFile });
      await waitForTcp(opts.host, opts.port, 15_000);
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
}
