import { NodeHealth, NodeRole, type NodeInfo, type NodeUsage } from '@mcp/proto';
import { describe, expect, it } from 'vitest';

import { NodeRegistry } from './registry.js';
import { fleetSnapshot } from './snapshot.js';
import { FakeClock } from './test-support/master.js';

const MI = 2 ** 20;
const INTERVAL = 10_000;

function info(name: string): NodeInfo {
  return {
    name,
    roles: [NodeRole.NODE_ROLE_COMPUTE],
    address: '127.0.0.1',
    agentAddress: '127.0.0.1:7443',
    arch: 'amd64',
    os: 'debian',
    pools: [],
    version: 'test',
    rpcs: [],
    capacity: { cpuMillis: 4000, memoryBytes: 4096 * MI, diskBytes: 0 },
    reserved: undefined,
  };
}

function usage(services: string[], freeMi = 4096): NodeUsage {
  return {
    free: { cpuMillis: 4000, memoryBytes: freeMi * MI, diskBytes: 0 },
    containers: services.length,
    services: services.map((service) => ({
      service,
      resources: { cpuMillis: 100, memoryBytes: 512 * MI, diskBytes: 0 },
    })),
    measuredAtMs: 0,
  };
}

function setup(): { registry: NodeRegistry; clock: FakeClock; changes: number[] } {
  const clock = new FakeClock(1_000_000);
  const changes: number[] = [];
  const registry = new NodeRegistry({
    clock,
    intervalMs: INTERVAL,
    onChange: () => changes.push(clock.now()),
  });
  registry.register(info('rift'), usage([]));
  return { registry, clock, changes };
}

const web = { cpuMillis: 100, memoryBytes: 512 * MI, diskBytes: 0 };

describe('NodeRegistry', () => {
  it('NodeRegistry counts a placement in the snapshot until a heartbeat shows it', () => {
    const { registry, clock } = setup();

    registry.reserve('rift', 'web', web);
    const counted = fleetSnapshot(registry, clock.now(), 3 * INTERVAL).nodes[0];

    expect(counted?.placements.map((p) => p.service)).toEqual(['web']);
    expect(counted?.free?.memoryBytes).toBe(3584 * MI);
    expect(registry.hostsOf('web')).toEqual(['rift']);

    registry.settle('rift', 'web');
    registry.heartbeat('rift', usage(['web'], 3584));
    expect(registry.get('rift')?.pending.size).toBe(0);
    expect(registry.hostsOf('web')).toEqual(['rift']);
  });

  it('NodeRegistry keeps a placement whose deploy still runs across heartbeats', () => {
    const { registry, clock } = setup();
    registry.reserve('rift', 'web', web);

    clock.advance(5 * INTERVAL);
    registry.heartbeat('rift', usage([]));

    expect(registry.hostsOf('web')).toEqual(['rift']);
  });

  it('NodeRegistry trusts heartbeats an interval after a deploy ended', () => {
    const { registry, clock } = setup();
    registry.reserve('rift', 'web', web);
    registry.settle('rift', 'web');

    clock.advance(INTERVAL / 2);
    registry.heartbeat('rift', usage([]));
    expect(registry.hostsOf('web')).toEqual(['rift']);
    clock.advance(INTERVAL);
    registry.heartbeat('rift', usage([]));

    expect(registry.hostsOf('web')).toEqual([]);
  });

  it('NodeRegistry hides a removed service until a heartbeat stops reporting it', () => {
    const { registry, clock } = setup();
    registry.heartbeat('rift', usage(['web']));

    registry.reserve('rift', 'web', undefined);
    registry.settle('rift', 'web');

    expect(registry.hostsOf('web')).toEqual([]);
    expect(fleetSnapshot(registry, clock.now(), 3 * INTERVAL).nodes[0]?.placements).toEqual([]);
    registry.heartbeat('rift', usage([]));
    expect(registry.get('rift')?.pending.size).toBe(0);
  });

  it('NodeRegistry takes a heartbeat into the usage it holds, keeping an unchanged list', () => {
    const { registry } = setup();
    registry.heartbeat('rift', usage(['web'], 2048));
    const held = registry.get('rift')?.usage;
    const services = held?.services;

    registry.heartbeat('rift', usage(['web'], 1024));
    expect(registry.get('rift')?.usage).toBe(held);
    expect(held?.services).toBe(services);
    expect(held?.free?.memoryBytes).toBe(1024 * MI);
    registry.heartbeat('rift', usage(['web', 'api'], 1024));

    expect(held?.services.map((p) => p.service)).toEqual(['web', 'api']);
  });

  it('NodeRegistry asks for a cache write on a new node, new info or new services', () => {
    const { registry, changes } = setup();
    expect(changes).toHaveLength(1);

    registry.heartbeat('rift', usage(['web']));
    expect(changes).toHaveLength(2);
    registry.heartbeat('rift', usage(['web'], 3584));
    registry.register(info('rift'), usage(['web']));
    expect(changes).toHaveLength(2);
    registry.register({ ...info('rift'), version: 'v2' }, usage(['web']));

    expect(changes).toHaveLength(3);
  });

  it('NodeRegistry restores cached nodes with the services they last reported', () => {
    const { registry } = setup();

    registry.restore([
      { info: info('orion'), services: ['web'] },
      { info: info('hyper'), services: undefined },
    ]);

    expect(registry.hostsOf('web')).toEqual(['orion']);
    expect(registry.get('orion')?.servicesKnown).toBe(true);
    expect(registry.get('hyper')?.servicesKnown).toBe(false);
    registry.reserve('orion', 'api', web);
    expect(registry.entries().map((e) => [e.info.name, e.services])).toEqual([
      ['hyper', undefined],
      ['orion', ['api', 'web']],
      ['rift', []],
    ]);
  });

  it('NodeRegistry lists silent nodes for a probe at most once an interval', () => {
    const { registry, clock } = setup();

    clock.advance(3 * INTERVAL);
    expect(registry.silent()).toEqual([]);
    clock.advance(1);
    expect(registry.silent()).toEqual(['rift']);
    registry.probing('rift');
    expect(registry.get('rift')?.health).toBe(NodeHealth.NODE_HEALTH_PROBING);
    clock.advance(INTERVAL - 1);
    expect(registry.silent()).toEqual([]);
    clock.advance(1);
    expect(registry.silent()).toEqual(['rift']);
  });

  it('NodeRegistry keeps a node healthy when a heartbeat came while a failing probe ran', () => {
    const { registry, clock } = setup();
    clock.advance(3 * INTERVAL + 1);
    registry.probing('rift');
    registry.probeFailed('rift', 'HealthCheck failed: timed out');
    clock.advance(INTERVAL);

    registry.probing('rift');
    clock.advance(500);
    registry.heartbeat('rift', undefined);
    const changed = registry.probeFailed('rift', 'HealthCheck failed: timed out');

    expect(changed).toBe(false);
    expect(registry.get('rift')?.health).toBe(NodeHealth.NODE_HEALTH_HEALTHY);
    expect(registry.get('rift')?.healthError).toBe('');
  });

  it('NodeRegistry marks a node unhealthy when its probe fails with no heartbeat meanwhile', () => {
    const { registry, clock } = setup();
    clock.advance(3 * INTERVAL + 1);

    registry.probing('rift');
    const changed = registry.probeFailed('rift', 'HealthCheck failed: timed out');

    expect(changed).toBe(true);
    expect(registry.get('rift')?.health).toBe(NodeHealth.NODE_HEALTH_UNHEALTHY);
  });
});
