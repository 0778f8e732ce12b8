// Placement throughput: services placed one after another on a generated fleet, each placement
// counted against its node before the next (`placeEach`), on one thread. Prints figures and
// asserts nothing. The fleet is seeded: a quarter arm64 Raspberry Pis in `pi-pool`, some edge,
// control, unhealthy, draining and stale nodes; services ask 100m-1 core and 64Mi-1Gi (or the
// defaults), a quarter need amd64, a fifth target a pool or a node.
//
//   pnpm --filter @mcp/scheduler bench
import process from 'node:process';
import { performance } from 'node:perf_hooks';

import { NodeRole, PlacementStrategy } from '@mcp/proto';

import { place, placeEach } from '../dist/index.js';

const Mi = 2 ** 20;
const Gi = 2 ** 30;
const NOW_MS = 1_750_000_000_000;

const RUNS = [
  { services: 10_000, nodes: 1_000 },
  { services: 100_000, nodes: 5_000 },
];

/** A seeded generator (mulberry32), so every run measures the same fleet. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function pick(rng, items) {
  return items[Math.floor(rng() * items.length)];
}

function makeFleet(count, rng) {
  const nodes = [];
  for (let i = 0; i < count; i++) {
    const arm = rng() < 0.25;
    const r = rng();
    const roles =
      r < 0.02
        ? [NodeRole.NODE_ROLE_EDGE]
        : r < 0.03
          ? [NodeRole.NODE_ROLE_CONTROL]
          : r < 0.05
            ? [NodeRole.NODE_ROLE_CONTROL, NodeRole.NODE_ROLE_COMPUTE]
            : [NodeRole.NODE_ROLE_COMPUTE];
    const capacity = arm
      ? { cpuMillis: 4000, memoryBytes: pick(rng, [4, 8]) * Gi, diskBytes: 64 * Gi }
      : {
          cpuMillis: pick(rng, [8, 16, 32]) * 1000,
          memoryBytes: pick(rng, [16, 32, 64]) * Gi,
          diskBytes: 500 * Gi,
        };
    const reserved = { cpuMillis: 200, memoryBytes: 512 * Mi, diskBytes: Gi };
    const busy = 0.95 + rng() * 0.05;
    nodes.push({
      name: `node-${String(i).padStart(5, '0')}`,
      roles,
      arch: arm ? 'arm64' : 'amd64',
      os: arm ? 'debian' : 'nixos',
      pools: arm ? ['pi-pool'] : rng() < 0.1 ? ['big'] : [],
      address: `100.64.${i >> 8}.${i & 255}`,
      healthy: rng() < 0.97,
      draining: rng() < 0.02,
      lastHeartbeatMs: NOW_MS - Math.floor(rng() * 40_000),
      capacity,
      free: {
        cpuMillis: Math.floor((capacity.cpuMillis - reserved.cpuMillis) * busy),
        memoryBytes: Math.floor((capacity.memoryBytes - reserved.memoryBytes) * busy),
        diskBytes: Math.floor((capacity.diskBytes - reserved.diskBytes) * busy),
      },
      reserved,
      placements: [],
    });
  }
  return { nodes, nowMs: NOW_MS, staleAfterMs: 30_000 };
}

function makeServices(count, fleet, rng) {
  const specs = [];
  for (let i = 0; i < count; i++) {
    const t = rng();
    const node =
      t < 0.8 ? '' : t < 0.9 ? 'big' : t < 0.95 ? 'pi-pool' : pick(rng, fleet.nodes).name;
    const a = rng();
    const arch = a < 0.7 ? [] : a < 0.95 ? ['amd64'] : ['arm64'];
    specs.push({
      name: `svc-${i}`,
      node,
      active: true,
      path: '',
      buildImages: {},
      components: [
        {
          name: 'app',
          image: `mcr.example:8443/svc-${i}:v1.0.0`,
          volumes: [],
          cmd: [],
          env: [],
          network: '',
          user: '',
          restart: '',
          routes: [],
          arch,
          resources: {
            cpuMillis: pick(rng, [0, 100, 250, 500, 1000]),
            memoryBytes: pick(rng, [0, 64, 128, 256, 512, 1024]) * Mi,
            diskBytes: pick(rng, [0, 0, 0, 1]) * Gi,
          },
        },
      ],
    });
  }
  return specs;
}

function heapMiB() {
  return process.memoryUsage().heapUsed / Mi;
}

/** Full collection before a heap reading, when node runs with --expose-gc. */
function settledHeapMiB() {
  globalThis.gc?.();
  return heapMiB();
}

const count = (n) => n.toLocaleString('en-US');

/**
 * Places every service in turn. Reads each result's explanation only when `read` is set: the
 * explanation is written on first read, and most callers never read it.
 */
function run({ services, nodes }, strategy, read = false) {
  const rng = random(services ^ nodes);
  const fleet = makeFleet(nodes, rng);
  const specs = makeServices(services, fleet, rng);
  const before = settledHeapMiB();

  let placed = 0;
  let peak = before;
  const batch = placeEach(specs, fleet, { strategy });
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 1; i <= services; i++) {
    const result = batch.next().value;
    if (result.node !== '') placed++;
    if (read && result.explanation.length !== nodes) throw new Error('explanation lost a node');
    if (i % 1000 === 0) peak = Math.max(peak, heapMiB());
  }
  const seconds = (performance.now() - start) / 1000;
  const cpuSeconds = process.cpuUsage(cpu).user / 1e6;
  const live = settledHeapMiB();
  batch.return();

  const name = strategy === PlacementStrategy.PLACEMENT_STRATEGY_BINPACK ? 'binpack' : 'spread';
  console.log(
    `${count(services)} services on ${count(nodes)} nodes, ${name}` +
      `${read ? ', every explanation read' : ''}: ${seconds.toFixed(3)} s ` +
      `(${cpuSeconds.toFixed(3)} s CPU), ` +
      `${count(Math.round(services / seconds))} placements/s ` +
      `(${count(placed)} placed, ${count(services - placed)} nothing fits); ` +
      `heap ${before.toFixed(0)} MiB before, ${peak.toFixed(0)} MiB peak, ` +
      `${live.toFixed(0)} MiB live at the end`,
  );
}

/** One `place` on a fresh snapshot, as the master does per deploy, explanation read. */
function single(nodes, calls) {
  const rng = random(nodes);
  const fleet = makeFleet(nodes, rng);
  const specs = makeServices(calls, fleet, rng);
  let evaluated = 0;
  const start = performance.now();
  for (const spec of specs) evaluated += place(spec, fleet).explanation.length;
  const ms = (performance.now() - start) / calls;
  console.log(
    `one place() on ${count(nodes)} nodes, snapshot indexed and explanation written: ` +
      `${ms.toFixed(2)} ms (mean of ${calls}, ${count(evaluated)} node evaluations)`,
  );
}

if (!globalThis.gc) console.log('(node without --expose-gc: heap figures include garbage)');
console.log(`node ${process.version}, ${process.execArgv.join(' ')}; after a warm-up batch`);

// Warm-up: let the JIT compile the placement loop before anything is timed.
run({ services: 2_000, nodes: 200 }, PlacementStrategy.PLACEMENT_STRATEGY_SPREAD);
console.log('---');

for (const size of RUNS) {
  run(size, PlacementStrategy.PLACEMENT_STRATEGY_SPREAD);
  run(size, PlacementStrategy.PLACEMENT_STRATEGY_BINPACK);
}
run(RUNS[0], PlacementStrategy.PLACEMENT_STRATEGY_SPREAD, true);
single(1_000, 1_000);
single(5_000, 200);
