// The master of a local fleet: its config (with its pair, its mcp-master token and the agent
// allowlist), its process, and the wait until every node has registered with it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { MasterServiceDefinition } from '@mcp/proto';
import { ChannelCredentials, createChannel, createClient, Metadata } from 'nice-grpc';
import { stringify } from 'smol-toml';

import { allocateLoopbackAddress, freePort } from '../net.js';
import type { SpawnedProcess } from '../process.js';
import type { TestSecurity } from '../security.js';
import { waitFor } from '../wait.js';
import { PROGRAMS } from './paths.js';
import { program } from './program.js';

export interface FleetMaster {
  readonly listen: string;
  readonly configFile: string;
  readonly stateDir: string;
  readonly process: SpawnedProcess | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Kills the master process (SIGKILL). */
  kill(): Promise<void>;
}

export interface MasterOptions {
  /** Address to listen on; default a new loopback address. */
  host: string | undefined;
  /** Gives the master its pair and `mcp-master` token. */
  security: TestSecurity;
  /** The agent identities the master lets register (`[auth] agents`). */
  agents: readonly string[];
  /** Those among `agents` whose nodes are edges (`[auth] edges`). */
  edges: readonly string[];
  heartbeatIntervalMs: number;
  probeTimeoutMs: number;
  allowedDomains: readonly string[];
  /** The master's `[mcns]` table. Default none: no DNS. */
  mcns?: { url: string; token_file: string; zone: string };
}

export async function startFleetMaster(dir: string, opts: MasterOptions): Promise<FleetMaster> {
  const host = opts.host ?? allocateLoopbackAddress();
  const port = await freePort(host);
  const stateDir = join(dir, 'master', 'state');
  const configFile = join(dir, 'master', 'master.toml');
  mkdirSync(join(dir, 'master'), { recursive: true });
  const tables = await opts.security.configTables({ names: [host], account: 'mcp-master' });
  writeFileSync(
    configFile,
    stringify({
      listen: `${host}:${port}`,
      ...tables,
      auth: { agents: [...opts.agents], edges: [...opts.edges] },
      state_dir: stateDir,
      log_level: 'debug',
      heartbeat_interval_ms: opts.heartbeatIntervalMs,
      probe_timeout_ms: opts.probeTimeoutMs,
      allowed_domains: [...opts.allowedDomains],
      ...(opts.mcns ? { mcns: opts.mcns } : {}),
    }),
  );

  const run = program({
    command: [process.execPath, PROGRAMS.master, '--config', configFile],
    logFile: join(dir, 'logs', 'master.log'),
    host,
    port,
  });
  const master: FleetMaster = {
    listen: `${host}:${port}`,
    configFile,
    stateDir,
    get process() {
      return run.process;
    },
    start: () => run.start(),
    stop: () => run.stop(),
    kill: () => run.kill(),
  };
  await master.start();
  return master;
}

/** Waits until the master lists every node: each agent has registered. */
export async function waitForRegistration(
  address: string,
  caFile: string,
  token: string,
  names: string[],
): Promise<void> {
  const credentials = ChannelCredentials.createSsl(readFileSync(caFile));
  const channel = createChannel(address, credentials);
  const client = createClient(MasterServiceDefinition, channel);
  const metadata = Metadata({ authorization: `Bearer ${token}` });
  try {
    await waitFor(
      async () => {
        const { nodes } = await client.listNodes({}, { metadata }).catch(() => ({ nodes: [] }));
        const known = new Set(nodes.map((n) => n.info?.name));
        return names.every((n) => known.has(n));
      },
      { what: `nodes ${names.join(', ')} registered with the master`, timeoutMs: 20_000 },
    );
  } finally {
    channel.close();
  }
}
