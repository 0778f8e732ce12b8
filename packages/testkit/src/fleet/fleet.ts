// A real local fleet: a registry holding the test image, one Podman per compute node, the
// agents, a master and a CLI configuration, all under one directory and all torn down by stop().
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { stringify } from 'smol-toml';

import { createTestCa, type TestCa } from '../ca.js';
import { startMcns, type Mcns } from '../mcns/start.js';
import { startPebble, type Pebble } from '../pebble.js';
import { registerCleanup } from '../cleanup.js';
import { buildTestImage } from '../image.js';
import { allocateLoopbackAddress } from '../net.js';
import { startPodman } from '../podman.js';
import { startRegistry, type Registry } from '../registry.js';
import { createTestNetwork, type TestNetwork } from '../netns.js';
import { startTestSecurity, type TestSecurity } from '../security.js';
import { startFleetAgent, type FleetAgent, type FleetNodeOptions } from './agent-node.js';
import { startFleetMaster, waitForRegistration, type FleetMaster } from './master-node.js';
import { startFleetEdge, type FleetEdge } from './edge-node.js';
import { PROGRAMS } from './paths.js';

export interface FleetOptions {
  /** Compute nodes, each with its own agent and Podman. Default `['rift', 'orion']`. */
  nodes?: (string | FleetNodeOptions)[];
  /** Edge nodes, each with a trimmed edge agent. Default none. */
  edges?: string[];
  /** Heartbeat interval of every agent and of the master. Default 1 000 ms (tests are short). */
  heartbeatIntervalMs?: number;
  /** The master's HealthCheck probe deadline. Default 2 000 ms. */
  probeTimeoutMs?: number;
  /** Directory that holds everything; created, and removed by stop(). Default: a new temp dir. */
  dir?: string;
  /** The fleet's zone: internal names are `<service>.svc.mcp.<zone>`. Default `mcp.test`. */
  zone?: string;
  /** Public domains the master and the edges allow. Default `['example.net']`. */
  allowedDomains?: string[];
  /** Listener ports of every node's mc-proxy. Default `[443, 8443]`. */
  listeners?: number[];
  /** Start an MCNS stand-in for the zone and let the master register names in it. Default false. */
  mcns?: boolean;
  /**
   * Start Pebble and give every agent and edge agent an `[acme]` table for it, so that route
   * certificates are obtained through ACME. Default false: certificates from the test CA only.
   */
  acme?: boolean;
}

/** What one `mcp` command printed and how it exited. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Fleet {
  readonly dir: string;
  readonly registry: Registry;
  /** The CA every proxy certificate and every gRPC server's pair comes from: trust `ca.certPath`. */
  readonly ca: TestCa;
  /** MCIAS and the fleet's accounts: issue tokens for alice (admin), bob (user), gail (guest). */
  readonly security: TestSecurity;
  /** The CLI's token (alice, admin): what `cliConfig`'s `token_file` holds. */
  readonly operatorToken: string;
  /** The fleet's zone (`<service>.svc.mcp.<zone>`). */
  readonly zone: string;
  /** The MCNS stand-in, when `mcns` was asked for. */
  readonly mcns: Mcns | undefined;
  /** Pebble, when `acme` was asked for: trust `await pebble.rootPem()` for what it issued. */
  readonly pebble: Pebble | undefined;
  /** References of the test image in the registry: tags v1 and v2. */
  readonly images: { v1: string; v2: string };
  readonly master: FleetMaster;
  readonly agents: Readonly<Record<string, FleetAgent>>;
  readonly edges: Readonly<Record<string, FleetEdge>>;
  /** The namespaces' bridge, when some node has its own namespace. */
  readonly network: TestNetwork | undefined;
  /** The CLI's configuration file (pass as MCP_CONFIG). */
  readonly cliConfig: string;
  readonly servicesDir: string;
  /** Writes `<servicesDir>/<name>.toml`; returns its path. */
  writeService(name: string, toml: string): string;
  /** Runs the real `mcp` CLI against this fleet. */
  mcp(args: readonly string[], opts?: { timeoutMs?: number }): Promise<CliResult>;
  /** Starts the real `mcp` CLI and hands over the process, for commands that run until stopped. */
  spawnMcp(args: readonly string[]): ChildProcessWithoutNullStreams;
  /** Stops everything and removes the directory. */
  stop(): Promise<void>;
}

/** Starts a fleet; on failure everything started so far is stopped again. */
export async function startFleet(opts: FleetOptions = {}): Promise<Fleet> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'mcp-fleet-'));
  mkdirSync(dir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
    rmSync(dir, { recursive: true, force: true });
  };
  const unregister = registerCleanup({
    label: `fleet ${dir}`,
    stop: stopAll,
    // Runs last on a plain exit, after the parts' own blocking stops.
    stopSync: () => rmSync(dir, { recursive: true, force: true }),
  });

  try {
    const nodeOpts = (opts.nodes ?? ['rift', 'orion']).map((n) =>
      typeof n === 'string' ? { name: n } : n,
    );
    let network: TestNetwork | undefined;
    if (nodeOpts.some((n) => n.netns)) {
      network = await createTestNetwork();
      const net = network;
      stops.push(() => net.stop());
    }

    // The registry listens where namespaced nodes reach it too: the bridge's host address.
    const registry = await startRegistry({
      dir: join(dir, 'registry'),
      ...(network ? { host: network.gateway } : {}),
    });
    stops.push(() => registry.stop());
    const images = await pushTestImage(dir, registry);
    const ca = await createTestCa(join(dir, 'ca'));
    const edgeNames = opts.edges ?? [];
    const nodeNames = [...nodeOpts.map((n) => n.name), ...edgeNames];
    // MCIAS listens where namespaced nodes reach it too, like the registry.
    const security = await startTestSecurity({
      dir: join(dir, 'security'),
      ca,
      ...(network ? { address: network.gateway } : {}),
      services: ['mcp-master', ...nodeNames.map((n) => `agent-${n}`)],
    });
    stops.push(() => security.stop());
    const zone = opts.zone ?? 'mcp.test';
    const allowedDomains = opts.allowedDomains ?? ['example.net'];
    const listeners = opts.listeners ?? [443, 8443];

    let mcns: Mcns | undefined;
    if (opts.mcns) {
      const started = await startMcns({
        dir: join(dir, 'mcns'),
        address: network?.gateway ?? allocateLoopbackAddress(),
        zone,
      });
      stops.push(() => started.stop());
      mcns = started;
    }

    const heartbeatIntervalMs = opts.heartbeatIntervalMs ?? 1_000;
    let pebble: Pebble | undefined;
    let acme: Record<string, unknown> | undefined;
    if (opts.acme) {
      const dns = mcns?.dnsAddress;
      const started = await startPebble({
        dir: join(dir, 'pebble'),
        address: allocateLoopbackAddress(),
        ...(dns ? { dnsServer: `${dns.host}:${dns.port}` } : {}),
      });
      stops.push(() => started.stop());
      pebble = started;
      const keyFile = join(dir, 'pebble', 'eab.key');
      writeFileSync(keyFile, started.eab.hmacKey, { mode: 0o600 });
      acme = {
        directory_url: started.directoryUrl,
        ca_file: started.caFile,
        eab_kid: started.eab.kid,
        eab_hmac_key_file: keyFile,
        renew_before_days: 30,
        check_interval_ms: heartbeatIntervalMs,
      };
    }
    const proxies = { ca, zone, allowedDomains, listeners, acme };

    const master = await startFleetMaster(dir, {
      host: network?.gateway,
      security,
      agents: nodeNames.map((n) => `agent-${n}`),
      edges: edgeNames.map((n) => `agent-${n}`),
      heartbeatIntervalMs,
      probeTimeoutMs: opts.probeTimeoutMs ?? 2_000,
      allowedDomains,
      mcns: mcns && { url: mcns.url, token_file: mcns.tokenFile, zone },
    });
    stops.push(() => master.stop());
    // The master listens by now: its start-up grace began before this moment.
    const masterStartedAt = Date.now();

    const ctx = {
      dir,
      security,
      registry: registry.address,
      master: master.listen,
      heartbeatIntervalMs,
      network,
      proxies,
    };
    const agents: Record<string, FleetAgent> = {};
    for (const node of nodeOpts) {
      const agent = await startFleetAgent(ctx, node);
      stops.push(async () => {
        await agent.stop();
        await agent.podman.stop();
        await agent.proxy?.stop();
      });
      agents[node.name] = agent;
    }
    const edges: Record<string, FleetEdge> = {};
    for (const name of edgeNames) {
      const edge = await startFleetEdge(ctx, name);
      stops.push(async () => {
        await edge.stop();
        await edge.proxy.stop();
      });
      edges[name] = edge;
    }

    // Twelve hours, so a demo left running does not log its operator out after MCIAS's hour.
    const operator = await security.tokenFile('alice', { ttlMs: 12 * 3_600_000 });
    await waitForRegistration(master.listen, ca.certPath, operator.token, [
      ...Object.keys(agents),
      ...Object.keys(edges),
    ]);
    // The master refuses deploys for one heartbeat interval (+10% jitter) after its start.
    const grace = masterStartedAt + heartbeatIntervalMs * 1.1 + 100 - Date.now();
    if (grace > 0) await new Promise((r) => setTimeout(r, grace));

    const servicesDir = join(dir, 'cli', 'services');
    mkdirSync(servicesDir, { recursive: true });
    const cliConfig = join(dir, 'cli', 'mcp.toml');
    writeFileSync(
      cliConfig,
      stringify({
        master: master.listen,
        services_dir: servicesDir,
        ca_file: ca.certPath,
        token_file: operator.path,
        mcias: { url: security.mcias.url, ca_file: security.mcias.caFile },
        nodes: Object.values(agents).map((a) => ({ name: a.name, address: a.listen })),
      }),
    );

    return {
      dir,
      registry,
      ca,
      security,
      operatorToken: operator.token,
      zone,
      mcns,
      pebble,
      images,
      master,
      agents,
      edges,
      network,
      cliConfig,
      servicesDir,
      writeService(name, toml) {
        const file = join(servicesDir, `${name}.toml`);
        writeFileSync(file, toml);
        return file;
      },
      mcp: (args, o) => runCli(cliConfig, args, o?.timeoutMs ?? 120_000),
      spawnMcp: (args) => spawnCli(cliConfig, args),
      async stop() {
        unregister();
        await stopAll();
      },
    };
  } catch (err) {
    unregister();
    // The reason the fleet did not start matters more than a failure to tear it down.
    await stopAll().catch(() => undefined);
    throw err;
  }
}

/** Builds the test image with a short-lived Podman and pushes tags v1 and v2. */
async function pushTestImage(dir: string, registry: Registry): Promise<Fleet['images']> {
  const builder = await startPodman({
    dir: join(dir, 'builder'),
    insecureRegistries: [registry.address],
  });
  try {
    const [v1 = '', v2 = ''] = await buildTestImage({ podman: builder, registry });
    return { v1, v2 };
  } finally {
    await builder.stop();
  }
}

function spawnCli(config: string, args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [PROGRAMS.cli, ...args], {
    env: { ...process.env, MCP_CONFIG: config },
  });
}

function runCli(config: string, args: readonly string[], timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(config, args);
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
