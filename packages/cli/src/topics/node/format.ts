// `mcp node list` for people: one row per node with its usage, then the reason of every node
// whose health check failed. Code of the `node` topic only; it moves with the topic.
import { NodeHealth, NodeRole, type NodeStatus, type Resources } from '@mcp/proto';
import { formatCpu, formatSize } from '@mcp/scheduler';

import { formatDuration, table } from '../../index.js';

const NONE = '-';

const HEAD = [
  'NAME',
  'ROLE',
  'ARCH',
  'OS',
  'POOLS',
  'HEALTH',
  'VERSION',
  'CPU',
  'MEMORY',
  'DISK',
  'CONTAINERS',
  'LAST HEARTBEAT',
];

const ROLES: Partial<Record<NodeRole, string>> = {
  [NodeRole.NODE_ROLE_COMPUTE]: 'compute',
  [NodeRole.NODE_ROLE_EDGE]: 'edge',
  [NodeRole.NODE_ROLE_CONTROL]: 'control',
};

const HEALTH: Partial<Record<NodeHealth, string>> = {
  [NodeHealth.NODE_HEALTH_HEALTHY]: 'healthy',
  [NodeHealth.NODE_HEALTH_UNHEALTHY]: 'unhealthy',
  [NodeHealth.NODE_HEALTH_PROBING]: 'probing',
};

/** The node table, then `<node>: <health>: <error>` for each node with a health error. */
export function formatNodes(nodes: NodeStatus[], now: number): string {
  const rows = nodes.map((n) => {
    const info = n.info;
    const free = n.usage?.free;
    const capacity = info?.capacity;
    return [
      info?.name || NONE,
      info?.roles.map((r) => ROLES[r] ?? 'unknown').join(',') || NONE,
      info?.arch || NONE,
      info?.os || NONE,
      info?.pools.join(',') || NONE,
      formatHealth(n),
      info?.version || NONE,
      freeOf(free, capacity, 'cpuMillis', formatCpu),
      freeOf(free, capacity, 'memoryBytes', formatSize),
      freeOf(free, capacity, 'diskBytes', formatSize),
      n.usage ? String(n.usage.containers) : NONE,
      formatLastSeen(n.lastSeenMs, now),
    ];
  });
  const errors = nodes
    .filter((n) => n.healthError)
    .map((n) => `${n.info?.name || NONE}: ${formatHealth(n)}: ${n.healthError}`);

  const text = table(HEAD, rows);
  return errors.length > 0 ? `${text}\n\n${errors.join('\n')}` : text;
}

/** `healthy`, `unhealthy`, `probing` or `unknown`, then `,draining` for a draining node. */
export function formatHealth(n: Pick<NodeStatus, 'health' | 'draining'>): string {
  const health = HEALTH[n.health] ?? 'unknown';
  return n.draining ? `${health},draining` : health;
}

/** `3s ago`, `4m10s ago`, or `never` before the first heartbeat. */
export function formatLastSeen(lastSeenMs: number, now: number): string {
  return lastSeenMs > 0 ? `${formatDuration(now - lastSeenMs)} ago` : 'never';
}

/** `free/capacity` of one resource; `-` for a figure the node does not report. */
export function freeOf(
  free: Resources | undefined,
  capacity: Resources | undefined,
  field: keyof Resources,
  format: (n: number) => string,
): string {
  const f = free?.[field];
  const c = capacity?.[field] ?? 0;
  if (!f && !c) return NONE;
  return `${f === undefined ? NONE : format(f)}/${c ? format(c) : NONE}`;
}
