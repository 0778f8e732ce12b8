// What the commands print for people. Every function takes the proto message the master sent
// (and the clock as an input), so `--json` of the same message carries the same data.
import {
  EdgeRouteStatus,
  NodeError,
  RouteMode,
  ServiceStatus,
  StepStatus,
  type ComponentStatus,
  type PortBinding,
  type Step,
} from '@mcp/proto';
import Table from 'cli-table3';

const NONE = '-';

/** A borderless, uncoloured table in the style of `docker ps`. */
export function table(head: string[], rows: string[][]): string {
  const t = new Table({
    head,
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 },
  });
  t.push(...rows);
  return t
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/** OK, FAILED or SKIPPED. */
export function stepResult(status: StepStatus): string {
  switch (status) {
    case StepStatus.STEP_STATUS_OK:
      return 'OK';
    case StepStatus.STEP_STATUS_FAILED:
      return 'FAILED';
    case StepStatus.STEP_STATUS_SKIPPED:
      return 'SKIPPED';
    default:
      return 'UNKNOWN';
  }
}

/** True when any step failed: the command then exits 1. */
export function anyFailed(steps: Step[]): boolean {
  return steps.some((s) => s.status === StepStatus.STEP_STATUS_FAILED);
}

/** One row per step: name, node, result, and the detail (or the error when it failed). */
export function formatSteps(steps: Step[]): string {
  const rows = steps.map((s) => [
    s.name,
    s.node || NONE,
    stepResult(s.status),
    (s.status === StepStatus.STEP_STATUS_FAILED ? s.error || s.detail : s.detail || s.error) ||
      NONE,
  ]);
  return table(['STEP', 'NODE', 'RESULT', 'DETAIL'], rows);
}

/** `host:port`, bracketing IPv6 hosts. */
export function formatAddress(p: PortBinding): string {
  const host = p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp || '*';
  return `${host}:${p.hostPort}`;
}

/** `host:port` per route, `route=host:port` when the route has a name. */
export function formatPorts(ports: PortBinding[]): string {
  if (ports.length === 0) return NONE;
  return ports
    .map((p) => (p.route ? `${p.route}=${formatAddress(p)}` : formatAddress(p)))
    .join(' ');
}

/** A duration as its two largest units: `3d4h`, `2h5m`, `4m10s`, `12s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const parts: [number, string][] = [
    [Math.floor(s / 86_400), 'd'],
    [Math.floor(s / 3600) % 24, 'h'],
    [Math.floor(s / 60) % 60, 'm'],
    [s % 60, 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first < 0) return '0s';
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join('');
}

/** How long a component has been running, or `-`. */
export function formatUptime(c: ComponentStatus, now: number): string {
  return c.state === 'running' && c.startedAtMs > 0 ? formatDuration(now - c.startedAtMs) : NONE;
}

/** The `mcp ps` table: one row per component. */
export function formatServices(services: ServiceStatus[], now: number): string {
  const rows = services.flatMap((s) =>
    (s.components.length > 0 ? s.components : [undefined]).map((c) => [
      s.name,
      c?.name ?? NONE,
      s.node || NONE,
      c?.version || NONE,
      c?.state || (s.active ? NONE : 'inactive'),
      c ? String(c.restartCount) : NONE,
      c ? formatPorts(c.ports) : NONE,
      c ? formatUptime(c, now) : NONE,
    ]),
  );
  const head = ['SERVICE', 'COMPONENT', 'NODE', 'VERSION', 'STATE', 'RESTARTS', 'PORTS', 'UPTIME'];
  return table(head, rows);
}

/** `mcp status`: the service, its containers, then every route binding. */
export function formatService(s: ServiceStatus, now: number): string {
  const deployed =
    s.deployedAtMs > 0
      ? `${new Date(s.deployedAtMs).toISOString()} (${formatDuration(now - s.deployedAtMs)} ago)`
      : NONE;
  const head = [
    `service   ${s.name}`,
    `node      ${s.node || NONE}`,
    `active    ${s.active ? 'yes' : 'no'}`,
    `deployed  ${deployed}`,
  ].join('\n');

  const containers = table(
    ['COMPONENT', 'IMAGE', 'VERSION', 'STATE', 'RESTARTS', 'UPTIME', 'CONTAINER'],
    s.components.map((c) => [
      c.name,
      c.image || NONE,
      c.version || NONE,
      c.state || NONE,
      String(c.restartCount),
      formatUptime(c, now),
      c.containerId.slice(0, 12) || NONE,
    ]),
  );

  const bindings = s.components.flatMap((c) => c.ports.map((p) => ({ c, p })));
  const routes = table(
    ['COMPONENT', 'ROUTE', 'ADDRESS', 'LISTENER', 'MODE', 'HOSTNAME', 'PUBLIC', 'CERT EXPIRES'],
    bindings.map(({ c, p }) => [
      c.name,
      p.route || NONE,
      formatAddress(p),
      p.listenerPort ? String(p.listenerPort) : NONE,
      routeMode(p.mode),
      // The name on the node's own proxy; a public route's public name is the edge's.
      p.proxyHostname || p.hostname || NONE,
      p.public ? p.hostname || 'yes' : 'no',
      formatExpiry(p.tlsNotAfterMs),
    ]),
  );

  return bindings.length > 0 ? `${head}\n\n${containers}\n\n${routes}` : `${head}\n\n${containers}`;
}

/** A warning line per node that did not answer. */
export function formatNodeErrors(errors: NodeError[]): string[] {
  return errors.map((e) => `Warning: node '${e.node}' did not answer: ${e.error}`);
}

/**
 * `mcp status --json`: the ServiceStatus as proto JSON, with the nodes that did not answer as
 * `errors` (NodeError JSON) when there are any. Readers of a plain ServiceStatus still can.
 */
export function serviceJson(
  service: ServiceStatus | undefined,
  errors: NodeError[],
  edgeRoutes: EdgeRouteStatus[] = [],
): unknown {
  const json = (service ? ServiceStatus.toJSON(service) : {}) as Record<string, unknown>;
  if (errors.length > 0) json.errors = errors.map((e) => NodeError.toJSON(e));
  if (edgeRoutes.length > 0) json.edgeRoutes = edgeRoutes.map((r) => EdgeRouteStatus.toJSON(r));
  return json;
}

/** `mcp status`: the service's routes on the edge nodes, each ok or what drifted. */
export function formatEdgeSection(routes: EdgeRouteStatus[]): string {
  return table(
    ['EDGE', 'HOSTNAME', 'LISTENER', 'BACKEND', 'CERT EXPIRES', 'STATE'],
    routes.map(({ edge, route, drift }) => [
      edge,
      route?.hostname || NONE,
      route?.listenerPort ? String(route.listenerPort) : NONE,
      route?.backend || NONE,
      formatExpiry(route?.tlsNotAfterMs ?? 0),
      drift ? `drift: ${drift}` : 'ok',
    ]),
  );
}

/** When a certificate expires, as a UTC minute (`2027-03-04 05:06Z`); `-` when unknown. */
export function formatExpiry(ms: number): string {
  if (ms <= 0) return NONE;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

/** A message as indented JSON, from its generated `toJSON`. */
export function formatJson(json: unknown): string {
  return JSON.stringify(json, null, 2);
}

/** A route mode as operators write it: l4, l7, or - when unset. */
export function routeMode(mode: RouteMode): string {
  if (mode === RouteMode.ROUTE_MODE_L4) return 'l4';
  if (mode === RouteMode.ROUTE_MODE_L7) return 'l7';
  return NONE;
}

/** Steps, then the service's containers when the answer carries them. */
export function formatOutcome(
  steps: Step[],
  service: ServiceStatus | undefined,
  now: number,
): string {
  const parts = [steps.length > 0 ? formatSteps(steps) : 'No steps reported.'];
  if (service) parts.push(formatServices([service], now));
  return parts.join('\n\n');
}
