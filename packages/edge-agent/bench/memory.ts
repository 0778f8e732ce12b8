// Idle resident memory of the edge agent and of a compute agent, each after start-up and one
// route change, against a bare `node -e 'setInterval(()=>{}, 1e9)'` started the same way
// (issue 5: edge agent at most 1.5x the bare runtime). Prints figures; asserts nothing.
//
//   pnpm --filter @mcp/edge-agent bench:memory            (build @mcp/agent first for its row)
//   NODE_FLAGS="--lite-mode --no-expose-wasm" pnpm --filter @mcp/edge-agent bench:memory  (as the bin)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { AgentServiceDefinition, EdgeRoute, RouteMode, type AgentServiceClient } from '@mcp/proto';
import { channelCredentials, MASTER_ACCOUNT, secureClient } from '@mcp/security';
import {
  allocateLoopbackAddress,
  cleanupAll,
  createTestCa,
  DEFAULT_SERVICE_ACCOUNTS,
  freePort,
  spawnProcess,
  startMcProxy,
  startTestSecurity,
  waitFor,
  type SpawnedProcess,
} from '@mcp/testkit';

import { tableLines } from '../test/security-files.js';

/** How long each process idles after its route change before RSS is read. */
const SETTLE_MS = 5_000;
const EDGE_BIN = fileURLToPath(new URL('../bin/mcp-edge-agent.js', import.meta.url));
const AGENT_BIN = fileURLToPath(new URL('../../agent/bin/mcp-agent.js', import.meta.url));
const FLAGS = (process.env.NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');

const base = await mkdtemp(join(tmpdir(), 'mcp-bench-memory-'));
const address = allocateLoopbackAddress();
const listener = await freePort(address);
const certDir = join(base, 'certs');
const ca = await createTestCa(join(base, 'ca'));
await ca.issue({ names: ['web.example.net'], dir: certDir });
await ca.issue({ names: ['*.svc.mcp.local'], dir: certDir });
const proxy = await startMcProxy({ dir: join(base, 'proxy'), address, listeners: [listener] });
const backend = createServer((_req, res) => res.end('hello'));
await new Promise<void>((ok) => backend.listen(0, address, ok));
const backendAddress = `${address}:${(backend.address() as { port: number }).port}`;
// TLS 1.3 and tokens as in production: the agents serve with a pair for `address`, the bench
// calls them as mcp-master.
const security = await startTestSecurity({
  dir: join(base, 'security'),
  ca,
  services: [...DEFAULT_SERVICE_ACCOUNTS, 'agent-edge', 'agent-node'],
});
const masterToken = (await security.tokenFile(MASTER_ACCOUNT)).token;
const credentials = channelCredentials(ca.certPath);
const tables = async (account: string) =>
  tableLines(await security.configTables({ names: [address], account }));

/** VmRSS of a process, in KiB. */
function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN);
}

/** Starts `node [flags] <args>`, runs `change` against it, idles, and reads its RSS. */
async function measure(
  name: string,
  args: string[],
  change?: (client: AgentServiceClient) => Promise<string>,
  port?: number,
): Promise<{ name: string; kib: number; note: string }> {
  const logFile = join(base, `${name.replace(/\W+/g, '-')}.log`);
  const proc: SpawnedProcess = await spawnProcess(process.execPath, [...FLAGS, ...args], {
    logFile,
  });
  try {
    let note = '';
    if (change && port !== undefined) {
      const at = `${address}:${port}`;
      const { client, channel } = secureClient(
        AgentServiceDefinition,
        at,
        credentials,
        () => masterToken,
      );
      await waitFor(() => client.healthCheck({}).then(() => true), {
        what: name,
        timeoutMs: 15_000,
      });
      note = await change(client);
      channel.close();
    }
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return { name, kib: rssKiB(proc.pid), note };
  } catch (err) {
    const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-1)[0] ?? '';
    return { name, kib: NaN, note: `did not serve: ${(err as Error).message}; log: ${tail}` };
  } finally {
    await proc.stop();
  }
}

/** A config file from lines. */
function config(file: string, lines: string[]): string {
  const path = join(base, file);
  writeFileSync(path, lines.join('\n'));
  return path;
}

const rows = [await measure('bare node -e', ['-e', 'setInterval(()=>{}, 1e9)'])];

// The edge agent, without a master, and one SetupEdgeRoute.
const edgePort = await freePort(address);
const edgeConfig = config('edge.toml', [
  'name = "edge"',
  `address = "${address}"`,
  `listen = "${address}:${edgePort}"`,
  `state_dir = "${join(base, 'edge-state')}"`,
  `proxy_socket = "${proxy.socketPath}"`,
  `cert_dir = "${certDir}"`,
  'allowed_domains = ["example.net"]',
  'overlay_cidr = "127.0.0.0/8"',
  'log_level = "warn"',
  ...(await tables('agent-edge')),
]);
const setupEdge = async (client: AgentServiceClient) => {
  const route = EdgeRoute.fromPartial({
    hostname: 'web.example.net',
    listenerPort: listener,
    backend: backendAddress,
    mode: RouteMode.ROUTE_MODE_L7,
  });
  return `SetupEdgeRoute: ${(await client.setupEdgeRoute({ route })).change}`;
};
rows.push(await measure('edge agent', [EDGE_BIN, '--config', edgeConfig], setupEdge, edgePort));

// A compute agent whose runtime socket does not exist (it serves anyway), and one AddRoute.
if (existsSync(join(AGENT_BIN, '../../dist/cli.js'))) {
  const agentPort = await freePort(address);
  const agentConfig = config('agent.toml', [
    'name = "node"',
    `address = "${address}"`,
    `listen = "${address}:${agentPort}"`,
    `state_dir = "${join(base, 'agent-state')}"`,
    `runtime_socket = "${join(base, 'absent-podman.sock')}"`,
    `proxy_socket = "${proxy.socketPath}"`,
    `cert_dir = "${certDir}"`,
    'log_level = "warn"',
    ...(await tables('agent-node')),
  ]);
  const addRoute = async (client: AgentServiceClient) => {
    const route = {
      listenerPort: listener,
      hostname: 'web.svc.mcp.local',
      backend: backendAddress,
      mode: RouteMode.ROUTE_MODE_L7,
      backendTls: false,
      tlsCertPath: '',
      tlsKeyPath: '',
    };
    try {
      return `AddRoute: changed ${(await client.addRoute({ route })).changed}`;
    } catch (err) {
      return `AddRoute failed (${(err as Error).message}); after start-up only`;
    }
  };
  rows.push(
    await measure('compute agent', [AGENT_BIN, '--config', agentConfig], addRoute, agentPort),
  );
} else {
  console.log(`compute agent not built (${AGENT_BIN}): pnpm --filter @mcp/agent build`);
}

// The table.
const bare = rows[0]?.kib ?? NaN;
console.log(
  `\nidle VmRSS ${SETTLE_MS / 1000} s after the route change; node ${process.version}` +
    (FLAGS.length ? `; flags ${FLAGS.join(' ')} on every process` : ''),
);
console.log('process          RSS MiB   x bare   note');
for (const r of rows) {
  const mib = (r.kib / 1024).toFixed(1).padStart(7);
  const ratio = (r.kib / bare).toFixed(2).padStart(7);
  console.log(`${r.name.padEnd(15)} ${mib}  ${ratio}   ${r.note}`);
}

backend.close();
await security.stop();
await cleanupAll();
await rm(base, { recursive: true, force: true });
