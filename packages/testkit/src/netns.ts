// Test hosts in network namespaces: a bridge on the host, one namespace per host joined to it by
// a veth pair, addresses in the overlay range 100.64.0.0/10. A guard route for that whole range
// makes sure a cut host's traffic can never leave the machine by the default route.
import { randomBytes, randomInt } from 'node:crypto';

import { registerCleanup } from './cleanup.js';
import { run, runSync } from './exec.js';

/** The range every test network lives in; the guard route covers all of it. */
export const OVERLAY_RANGE = '100.64.0.0/10';
const GUARD = ['unreachable', OVERLAY_RANGE, 'metric', '4000'];

/** One host of a test network. */
export interface NetnsHost {
  /** Namespace name under /run/netns. */
  readonly netns: string;
  readonly address: string;
  /** Cuts the host off: the namespace side of its link goes down. */
  cut(): Promise<void>;
  /** Joins the host again: link up, default route back. */
  restore(): Promise<void>;
}

export interface TestNetwork {
  /** The host's own address on the bridge: processes outside the namespaces listen here. */
  readonly gateway: string;
  addHost(label: string): Promise<NetnsHost>;
  /** Deletes the namespaces, the bridge and (when this network added it) the guard route. */
  stop(): Promise<void>;
}

async function ip(args: string[]): Promise<void> {
  await run('ip', args);
}

/** Creates a bridge with a random /24 inside 100.72.0.0/13 and the guard route. */
export async function createTestNetwork(): Promise<TestNetwork> {
  const id = randomBytes(3).toString('hex');
  const bridge = `mcpb${id}`;
  const prefix = `100.${72 + randomInt(8)}.${randomInt(256)}`;
  const gateway = `${prefix}.1`;
  const namespaces: string[] = [];
  let guardAdded = false;

  const teardownSync = (): void => {
    for (const ns of namespaces) tryRun(() => runSync('ip', ['netns', 'delete', ns]));
    tryRun(() => runSync('ip', ['link', 'delete', bridge]));
    if (guardAdded) tryRun(() => runSync('ip', ['route', 'delete', ...GUARD]));
  };
  const unregister = registerCleanup({
    label: `test network ${bridge}`,
    stop: async () => teardownSync(),
    stopSync: teardownSync,
  });

  try {
    guardAdded = await addGuard();
    await ip(['link', 'add', bridge, 'type', 'bridge']);
    await ip(['addr', 'add', `${gateway}/24`, 'dev', bridge]);
    await ip(['link', 'set', bridge, 'up']);
  } catch (err) {
    unregister();
    teardownSync();
    throw err;
  }

  return {
    gateway,
    async addHost(label) {
      const k = namespaces.length;
      const netns = `mcpt-${id}-${label}`;
      const hostSide = `mcpv${id}${k}`;
      const address = `${prefix}.${k + 2}`;
      await ip(['netns', 'add', netns]);
      namespaces.push(netns);
      await ip(['link', 'add', hostSide, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
      await ip(['link', 'set', hostSide, 'master', bridge, 'up']);
      await ip(['-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
      await ip(['-n', netns, 'link', 'set', 'lo', 'up']);
      const up = async (): Promise<void> => {
        await ip(['-n', netns, 'link', 'set', 'eth0', 'up']);
        await ip(['-n', netns, 'route', 'replace', 'default', 'via', gateway]);
      };
      await up();
      return {
        netns,
        address,
        cut: () => ip(['-n', netns, 'link', 'set', 'eth0', 'down']),
        restore: up,
      };
    },
    async stop() {
      unregister();
      teardownSync();
    },
  };
}

/** Adds the guard route; false when it was already there (another network owns it). */
async function addGuard(): Promise<boolean> {
  try {
    await ip(['route', 'add', ...GUARD]);
    return true;
  } catch (err) {
    if (/File exists/.test((err as Error).message)) return false;
    throw err;
  }
}

function tryRun(fn: () => unknown): void {
  try {
    fn();
  } catch {
    // Teardown goes on: what is already gone needs no removing.
  }
}
