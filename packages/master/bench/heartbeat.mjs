// Heartbeat benchmark: one real mcp-master process, N simulated agents in a separate child
// process (nice-grpc clients over a few shared channels), each registering once and then sending
// one heartbeat per interval, spread evenly. Over a measuring window the parent reads the
// master's CPU time (/proc/<pid>/stat utime + stime) and RSS (/proc/<pid>/status VmRSS); the
// driver reports heartbeat latency percentiles. As in production: TLS 1.3 (a throwaway CA) and
// one MCIAS token per agent (`agent-sim-<i>`, from the MCIAS stand-in of @mcp/testkit), which the
// master validates through MCIAS at most every 30 s per token. The master checks each agent
// address at registration (HealthCheck there must name the node), so the driver also answers
// HealthCheck for every simulated agent, each on a port of its own.
//
//   pnpm --filter @mcp/master bench:heartbeat [N ...]
//   BENCH_WINDOW_S=30 BENCH_INTERVAL_MS=10000 BENCH_CHANNELS=8 BENCH_MASTER_NODE_ARGS=--cpu-prof
import { execFileSync, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { allocateLoopbackAddress, cleanupAll, createTestCa, startMcias } from '@mcp/testkit';

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = join(HERE, '..', 'bin', 'mcp-master.js');
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 30);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 10_000);
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 8);
/** Node options for the master process, for example `--cpu-prof`. */
const MASTER_NODE_ARGS = (process.env.BENCH_MASTER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const GI = 2 ** 30;
/** Clock ticks per second, the unit of /proc/<pid>/stat times. */
const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** Children to stop if this process ends early. */
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
const name = (i) => `sim-${String(i).padStart(5, '0')}`;
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(1));

async function main(counts) {
  const sizes = counts.length > 0 ? counts : [1000, 5000];
  const rows = [];
  for (const n of sizes) rows.push(await run(n));

  console.log('');
  console.log(
    `heartbeat benchmark: one mcp-master, simulated agents at one heartbeat per ` +
      `${INTERVAL_MS / 1000} s each, ${WINDOW_S} s window, ${CHANNELS} client channels`,
  );
  console.log('transport: TLS 1.3, one MCIAS token per agent (validated at most every 30 s)');
  console.log('');
  console.log(
    'agents  heartbeats/s  master CPU (% of one core)  master RSS  ' +
      'p50 ms  p90 ms  p99 ms  max ms  errors  driver lag p99/max ms  machine load (1 min)  ' +
      'MCIAS validations/s  MCIAS CPU',
  );
  for (const r of rows) {
    console.log(
      [
        String(r.n).padStart(6),
        r.rate.toFixed(0).padStart(13),
        r.cpu.toFixed(1).padStart(27),
        `${r.rssMb.toFixed(0)} MB`.padStart(11),
        r.p50.toFixed(2).padStart(7),
        r.p90.toFixed(2).padStart(7),
        r.p99.toFixed(2).padStart(7),
        r.max.toFixed(1).padStart(7),
        String(r.errors).padStart(7),
        `${r.lagP99.toFixed(1)}/${r.lagMax.toFixed(1)}`.padStart(22),
        r.load.toFixed(2).padStart(21),
        r.validated.toFixed(0).padStart(20),
        `${r.mciasCpu.toFixed(1)}%`.padStart(10),
      ].join(' '),
    );
  }
  console.log('');
  console.log('target: 5000 agents under 50% of one core with p99 under 20 ms');
  console.log(`machine: ${cpus().length} cores; the load column counts other work on it too`);
}

/** One master, one driver with `n` agents: warm up one interval, then measure a window. */
async function run(n) {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bench-heartbeat-'));
  const { tokensFile, mcias, tls, agents: simulated } = await security(dir, n);
  const config = join(dir, 'master.toml');
  const agents = Array.from({ length: n }, (_, i) => `"agent-${name(i)}"`);
  writeFileSync(
    config,
    [
      'listen = "127.0.0.1:0"',
      `state_dir = "${join(dir, 'state')}"`,
      'log_level = "info"',
      `heartbeat_interval_ms = ${INTERVAL_MS}`,
      '[tls]',
      `ca_file = "${tls.caFile}"`,
      `cert_file = "${tls.certFile}"`,
      `key_file = "${tls.keyFile}"`,
      '[mcias]',
      `url = "${mcias.url}"`,
      `token_file = "${tls.masterToken}"`,
      '[auth]',
      `agents = [${agents.join(', ')}]`,
      `max_nodes = ${n}`,
    ].join('\n'),
  );

  const master = spawn(process.execPath, [...MASTER_NODE_ARGS, BIN, '--config', config], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(master);
  const port = await new Promise((resolve, reject) => {
    master.once('exit', (code) => reject(new Error(`mcp-master exited with ${code}`)));
    createInterface({ input: master.stdout }).on('line', (line) => {
      if (line.includes('"master started"')) resolve(JSON.parse(line).port);
    });
  });

  const driver = fork(fileURLToPath(import.meta.url), [
    '--driver',
    `127.0.0.1:${port}`,
    String(n),
    tls.caFile,
    tokensFile,
    JSON.stringify(simulated),
  ]);
  children.add(driver);
  const messages = [];
  let wake;
  driver.on('message', (m) => {
    messages.push(m);
    wake?.();
  });
  const next = async (type) => {
    for (;;) {
      const i = messages.findIndex((m) => m.type === type);
      if (i >= 0) return messages.splice(i, 1)[0];
      await new Promise((resolve) => (wake = resolve));
    }
  };

  const registered = await next('registered');
  process.stderr.write(`${n} agents registered in ${registered.ms.toFixed(0)} ms; warming up\n`);
  await sleep(INTERVAL_MS);

  driver.send({ type: 'mark' });
  const cpu0 = cpuSeconds(master.pid);
  const mciasCpu0 = cpuSeconds(mcias.pid);
  const validations0 = validations(mcias.logFile);
  const t0 = performance.now();
  await sleep(WINDOW_S * 1000);
  const cpu1 = cpuSeconds(master.pid);
  const mciasCpu = ((cpuSeconds(mcias.pid) - mciasCpu0) / WINDOW_S) * 100;
  const validated = (validations(mcias.logFile) - validations0) / WINDOW_S;
  const wall = (performance.now() - t0) / 1000;
  const rssMb = rssKb(master.pid) / 1024;
  driver.send({ type: 'report' });
  const report = await next('report');

  master.kill('SIGTERM');
  await new Promise((resolve) => master.once('exit', resolve));
  children.delete(master);
  children.delete(driver);
  await mcias.stop();
  rmSync(dir, { recursive: true, force: true });
  const load = loadavg()[0];
  return {
    n,
    cpu: ((cpu1 - cpu0) / wall) * 100,
    mciasCpu,
    validated,
    rssMb,
    rate: report.count / wall,
    load,
    ...report,
  };
}

/**
 * A CA and the master's pair for 127.0.0.1, the MCIAS stand-in with `mcp-master` and one
 * `agent-sim-<i>` account per agent, the master's token file and every agent's token (a JSON
 * array in `tokensFile`, index i for agent i).
 */
async function security(dir, n) {
  const ca = await createTestCa(join(dir, 'ca'));
  const pair = await ca.issue({ names: ['127.0.0.1'], dir: join(dir, 'tls'), stem: 'master' });
  const agentsHost = allocateLoopbackAddress();
  const agentsPair = await ca.issue({ names: [agentsHost], dir: join(dir, 'tls'), stem: 'agents' });
  const accounts = Array.from({ length: n }, (_, i) => ({ username: `agent-${name(i)}` }));
  const mcias = await startMcias({
    dir: join(dir, 'mcias'),
    address: '127.0.0.1',
    ca,
    accounts: { humans: [], services: [{ username: 'mcp-master' }, ...accounts] },
  });
  const masterToken = join(dir, 'master.token');
  await mcias.writeTokenFile('mcp-master', masterToken);

  const tokens = new Array(n);
  let next = 0;
  const issue = async () => {
    while (next < n) {
      const i = next++;
      tokens[i] = await mcias.issueToken(`agent-${name(i)}`);
    }
  };
  await Promise.all(Array.from({ length: 32 }, issue));
  const tokensFile = join(dir, 'agent-tokens.json');
  writeFileSync(tokensFile, JSON.stringify(tokens), { mode: 0o600 });
  return {
    mcias,
    tokensFile,
    tls: { caFile: ca.certPath, certFile: pair.certPath, keyFile: pair.keyPath, masterToken },
    agents: { host: agentsHost, certFile: agentsPair.certPath, keyFile: agentsPair.keyPath },
  };
}

/** Token validations MCIAS has answered so far (one log line per request). */
function validations(logFile) {
  const log = readFileSync(logFile, 'utf8');
  return log.split('\n').filter((l) => l.includes('/v1/token/validate')).length;
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

function rssKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The child: `n` agents register, then heartbeat evenly spread over each interval. */
async function drive(address, n, caFile, tokensFile, simulated) {
  const { FleetServiceDefinition, NodeRole } = await import('@mcp/proto');
  const { channelCredentials } = await import('@mcp/security');
  const { createChannel, createClient, Metadata } = await import('nice-grpc');
  // Without channelz the driver's own collections stay short, as the master's do.
  const credentials = channelCredentials(caFile);
  const clients = Array.from({ length: CHANNELS }, () =>
    createClient(
      FleetServiceDefinition,
      createChannel(address, credentials, { 'grpc.enable_channelz': 0 }),
    ),
  );
  // Each agent's own token on each of its calls, as its membership loop sends it.
  const tokens = JSON.parse(readFileSync(tokensFile, 'utf8'));
  const as = (i) => ({ metadata: Metadata({ authorization: `Bearer ${tokens[i]}` }) });
  const usage = () => ({
    free: { cpuMillis: 3200, memoryBytes: 5 * GI, diskBytes: 80 * GI },
    containers: 3,
    services: ['web', 'api', 'db'].map((service) => ({
      service,
      resources: { cpuMillis: 100, memoryBytes: 256 * 2 ** 20, diskBytes: 0 },
    })),
    measuredAtMs: Date.now(),
  });

  const agentPort = await serveHealthChecks(n, simulated);

  // Register everyone, a bounded number at a time.
  const started = performance.now();
  let next = 0;
  const register = async () => {
    while (next < n) {
      const i = next++;
      await clients[i % CHANNELS].register(
        {
          node: {
            name: name(i),
            roles: [NodeRole.NODE_ROLE_COMPUTE],
            address: '127.0.0.1',
            agentAddress: `${simulated.host}:${agentPort(i)}`,
            arch: i % 3 === 0 ? 'arm64' : 'amd64',
            os: 'debian',
            pools: i % 3 === 0 ? ['pi'] : [],
            version: 'bench',
            rpcs: ['mcp.v1.AgentService/HealthCheck'],
            capacity: { cpuMillis: 4000, memoryBytes: 8 * GI, diskBytes: 100 * GI },
            reserved: { cpuMillis: 200, memoryBytes: 256 * 2 ** 20, diskBytes: 0 },
          },
          usage: usage(),
        },
        as(i),
      );
    }
  };
  await Promise.all(Array.from({ length: 200 }, register));
  process.send({ type: 'registered', ms: performance.now() - started });

  // Heartbeats: the k-th heartbeat overall goes to agent k mod n at start + k * interval / n.
  let latencies = [];
  let errors = 0;
  let sent = 0;
  // The driver's own stalls count in its latencies; reported so they can be told apart.
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const t0 = performance.now();
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) * n) / INTERVAL_MS);
    for (; sent < due; sent++) {
      const i = sent % n;
      const at = performance.now();
      clients[i % CHANNELS].heartbeat({ node: name(i), usage: usage() }, as(i)).then(
        (out) => {
          if (out.registerAgain) errors++;
          latencies.push(performance.now() - at);
        },
        () => errors++,
      );
    }
  }, 2);

  process.on('message', (m) => {
    if (m.type === 'mark') {
      latencies = [];
      errors = 0;
      lag.reset();
    } else if (m.type === 'report') {
      clearInterval(timer);
      const sorted = Float64Array.from(latencies).sort();
      const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      const report = {
        type: 'report',
        count: sorted.length,
        errors,
        p50: at(0.5),
        p90: at(0.9),
        p99: at(0.99),
        max: at(1),
        lagP99: lag.percentile(99) / 1e6,
        lagMax: lag.max / 1e6,
      };
      process.send(report, () => process.exit(0));
    }
  });
}

/**
 * HealthCheck of `n` simulated agents over TLS, agent i on its own port of `simulated.host`:
 * one HTTP/2 server behind one listener per agent, answering with the node the port belongs to.
 * Resolves to the port of agent i.
 */
async function serveHealthChecks(n, simulated) {
  const { HealthCheckResponse } = await import('@mcp/proto');
  const http2 = await import('node:http2');
  const net = await import('node:net');
  const server = http2.createSecureServer({
    cert: readFileSync(simulated.certFile),
    key: readFileSync(simulated.keyFile),
    minVersion: 'TLSv1.3',
  });
  const ports = new Map();
  server.on('stream', (stream, headers) => {
    stream.resume();
    const i = ports.get(stream.session.socket.localPort);
    if (headers[':path'] !== '/mcp.v1.AgentService/HealthCheck' || i === undefined) {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12' });
      stream.end();
      return;
    }
    const body = HealthCheckResponse.encode({
      node: name(i),
      version: 'bench',
      rpcs: ['mcp.v1.AgentService/HealthCheck'],
      runtimeOk: true,
      runtimeVersion: '',
      containers: 3,
    }).finish();
    const frame = Buffer.alloc(5 + body.length);
    frame.writeUInt32BE(body.length, 1);
    frame.set(body, 5);
    stream.respond(
      { ':status': 200, 'content-type': 'application/grpc' },
      { waitForTrailers: true },
    );
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(frame);
  });

  const listeners = [];
  for (let i = 0; i < n; i++) {
    const listener = net.createServer((socket) => server.emit('connection', socket));
    await new Promise((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(0, simulated.host, resolve);
    });
    ports.set(listener.address().port, i);
    listeners.push(listener.address().port);
  }
  return (i) => listeners[i];
}

if (process.argv[2] === '--driver') {
  const [address, n, caFile, tokensFile, simulated] = process.argv.slice(3);
  await drive(address, Number(n), caFile, tokensFile, JSON.parse(simulated));
} else {
  try {
    await main(
      process.argv
        .slice(2)
        .map(Number)
        .filter((n) => n > 0),
    );
  } finally {
    await cleanupAll();
  }
}
