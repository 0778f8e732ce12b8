// Rules a service definition must satisfy, checked on the proto form so that the CLI, the
// master and the agent apply the very same checks.
import {
  RouteMode,
  type ComponentSpec,
  type Resources,
  type RouteSpec,
  type ServiceSpec,
} from '@mcp/proto';

import { imageReferenceProblem, splitImage } from './image.js';
import { formatCpu, formatSize, MAX_CPU_MILLIS, MAX_SIZE_BYTES } from './quantity.js';
import { checkRouteCollisions } from './route-collisions.js';

/** One broken rule: the field path and why. */
export interface RuleViolation {
  path: string;
  reason: string;
}

/** A lower-case DNS label: the form of service, component, node and pool names. */
export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ROUTE_NAME = /^[a-z0-9]([a-z0-9_-]{0,30}[a-z0-9])?$/;
const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const ENV = /^[A-Za-z_][A-Za-z0-9_]*=/;
const RESTART = new Set(['', 'no', 'always', 'on-failure', 'unless-stopped']);
const ARCHES = new Set(['amd64', 'arm64']);

/** Why a route port is refused, from the schema and from these rules alike. */
export const PORT_RANGE = 'a route needs a whole port number between 1 and 65535';

/** Environment variable that carries a route's host port: `PORT` or `PORT_<NAME>`. */
export function portVariable(route: Pick<RouteSpec, 'name'>): string {
  return route.name ? `PORT_${route.name.toUpperCase().replace(/-/g, '_')}` : 'PORT';
}

/** Version of an image, taken from its tag: `registry:5000/a/b:v1.2` gives `v1.2`. */
export function imageVersion(image: string): string {
  return splitImage(image).tag;
}

/** Checks every rule and returns all violations, in field order; empty when the spec is sound. */
export function checkServiceSpec(spec: ServiceSpec): RuleViolation[] {
  const out: RuleViolation[] = [];
  if (!DNS_LABEL.test(spec.name)) {
    out.push({ path: 'name', reason: `'${spec.name}' is not a lower-case DNS label` });
  }
  if (spec.node !== '' && !DNS_LABEL.test(spec.node)) {
    out.push({ path: 'node', reason: `'${spec.node}' is not a node or pool name` });
  }
  if (spec.components.length === 0) {
    out.push({ path: 'components', reason: 'a service needs at least one component' });
  }

  const seen = new Set<string>();
  spec.components.forEach((c, i) => {
    const at = `components[${i}]`;
    if (seen.has(c.name))
      out.push({ path: `${at}.name`, reason: `duplicate component '${c.name}'` });
    seen.add(c.name);
    out.push(...checkComponent(spec.name, c, at));
  });
  out.push(...checkRouteCollisions(spec));
  return out;
}

/** No process argument or environment entry can carry a NUL: the kernel ends the string there. */
const NUL_REASON = 'holds a NUL character (U+0000), which no process argument can carry';

/** Podman's `--user`: a name or id, with a group name or id after one ':'. */
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.$-]{0,63}(:[A-Za-z0-9_][A-Za-z0-9_.$-]{0,63})?$/;

const USER_REASON =
  'must be user[:group], each a name or id of letters, digits, _ . $ - (at most 64 characters)';

/** A network the agent may create or join: Podman's own rule for network names. */
const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function checkComponent(service: string, c: ComponentSpec, at: string): RuleViolation[] {
  const out: RuleViolation[] = [];
  if (!DNS_LABEL.test(c.name)) {
    out.push({ path: `${at}.name`, reason: `'${c.name}' is not a lower-case DNS label` });
  }
  out.push(...checkImage(c.image, `${at}.image`));
  c.volumes.forEach((v, j) => out.push(...checkVolume(service, v, `${at}.volumes[${j}]`)));
  c.env.forEach((e, j) => {
    if (e.includes('\0')) out.push({ path: `${at}.env[${j}]`, reason: NUL_REASON });
    else if (!ENV.test(e)) {
      out.push({ path: `${at}.env[${j}]`, reason: `'${e}' is not KEY=value` });
    }
  });
  c.cmd.forEach((arg, j) => {
    if (arg.includes('\0')) out.push({ path: `${at}.cmd[${j}]`, reason: NUL_REASON });
  });
  out.push(...checkNetwork(c, `${at}.network`));
  if (c.user !== '' && !USER.test(c.user)) {
    // Not echoed: a bad value may hold control characters or run to thousands of characters.
    out.push({ path: `${at}.user`, reason: USER_REASON });
  }
  if (!RESTART.has(c.restart)) {
    out.push({ path: `${at}.restart`, reason: `'${c.restart}' is not a restart policy` });
  }
  c.arch.forEach((a, j) => {
    if (!ARCHES.has(a))
      out.push({ path: `${at}.arch[${j}]`, reason: `unknown architecture '${a}'` });
  });
  if (c.resources) out.push(...checkResources(c.resources, `${at}.resources`));
  out.push(...checkRoutes(c.routes, at));
  return out;
}

/**
 * `host` would publish the component on every interface of the node, while the agent reports
 * (and the edge routes to) the node's address alone; `none` leaves routes unreachable.
 */
function checkNetwork(c: ComponentSpec, path: string): RuleViolation[] {
  if (c.network === 'host') {
    return [
      {
        path,
        reason:
          "'host' is refused: it publishes on every interface of the node, not on its " +
          'address alone; leave network unset or name a network',
      },
    ];
  }
  if (c.network === 'none' && c.routes.length > 0) {
    return [{ path, reason: "'none' leaves the component's routes unreachable" }];
  }
  // Joining another container's namespace, or any namespace by path (ns:/proc/1/ns/net is the
  // host's), reaches past the service: its loopback, its ports, the node's own network.
  const joined = ['container:', 'ns:'].find((p) => c.network.toLowerCase().startsWith(p));
  if (joined) {
    return [
      {
        path,
        reason:
          `'${c.network}' is refused: a component may not join another container's or an ` +
          `arbitrary network namespace (${joined}); leave network unset or name a network`,
      },
    ];
  }
  // Options after a mode reach past the service too: slirp4netns:allow_host_loopback=true and
  // pasta's --map-gw open the node's own loopback to the container.
  if (c.network.includes(':')) {
    return [
      {
        path,
        reason:
          `'${c.network}' is refused: network options (after ':') are not accepted, some open ` +
          "the node's loopback to the container; leave network unset or name a network",
      },
    ];
  }
  if (c.network !== '' && !NETWORK_NAME.test(c.network)) {
    return [{ path, reason: `'${c.network}' is not a network name` }];
  }
  return [];
}

/** Requests beyond these bounds are typing mistakes, and would not survive a uint64 on the wire. */
function checkResources(r: Resources, path: string): RuleViolation[] {
  const out: RuleViolation[] = [];
  if (!Number.isSafeInteger(r.cpuMillis) || r.cpuMillis < 0 || r.cpuMillis > MAX_CPU_MILLIS) {
    out.push({
      path: `${path}.cpu`,
      reason: `must be between 0 and ${formatCpu(MAX_CPU_MILLIS)} cores`,
    });
  }
  for (const [field, bytes] of [
    ['memory', r.memoryBytes],
    ['disk', r.diskBytes],
  ] as const) {
    if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > MAX_SIZE_BYTES) {
      out.push({
        path: `${path}.${field}`,
        reason: `must be between 0 and ${formatSize(MAX_SIZE_BYTES)}`,
      });
    }
  }
  return out;
}

function checkImage(image: string, path: string): RuleViolation[] {
  if (image.trim() === '' || /\s/.test(image)) {
    return [{ path, reason: 'an image reference is required' }];
  }
  const problem = imageReferenceProblem(image);
  if (problem) return [{ path, reason: problem }];
  if (image.includes('@')) return [];
  const tag = imageVersion(image);
  if (tag === '') return [{ path, reason: `'${image}' has no tag; pin one` }];
  if (tag === 'latest') return [{ path, reason: `'${image}' uses :latest; pin a tag` }];
  return [];
}

function checkVolume(service: string, volume: string, path: string): RuleViolation[] {
  const control = [...volume].find((ch) => ch < ' ' || ch === '\u007f');
  if (control !== undefined) {
    const code = control.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return [{ path, reason: `holds the control character U+${code}; a path may not` }];
  }
  const [host, container, ...rest] = volume.split(':');
  if (!host || !container || rest.length > 1) {
    return [{ path, reason: `'${volume}' is not host:container[:options]` }];
  }
  if (!container.startsWith('/')) {
    return [{ path, reason: `container path '${container}' is not absolute` }];
  }
  const root = `/srv/${service}`;
  const parts = host.split('/');
  if (!host.startsWith('/') || parts.includes('..') || parts.includes('.')) {
    return [{ path, reason: `host path '${host}' must be an absolute path under ${root}` }];
  }
  if (host !== root && !host.startsWith(`${root}/`)) {
    return [{ path, reason: `host path '${host}' is outside ${root}` }];
  }
  return [];
}

function checkRoutes(routes: RouteSpec[], at: string): RuleViolation[] {
  const out: RuleViolation[] = [];
  const names = new Set<string>();
  const variables = new Map<string, string>();
  routes.forEach((r, k) => {
    const path = `${at}.routes[${k}]`;
    if (!Number.isInteger(r.port) || r.port < 1 || r.port > 65535) {
      out.push({ path: `${path}.port`, reason: PORT_RANGE });
    }
    if (r.mode === RouteMode.ROUTE_MODE_UNSPECIFIED) {
      out.push({ path: `${path}.mode`, reason: 'mode must be l4 or l7' });
    }
    if (r.name === '' && routes.length > 1) {
      out.push({ path: `${path}.name`, reason: 'with several routes every route needs a name' });
    }
    if (r.name !== '' && !ROUTE_NAME.test(r.name)) {
      out.push({ path: `${path}.name`, reason: `'${r.name}' is not a route name` });
    }
    if (names.has(r.name))
      out.push({ path: `${path}.name`, reason: `duplicate route '${r.name}'` });
    names.add(r.name);

    // Each route's host port reaches the container as an environment variable; two names that
    // map to one variable would leave one port unsaid.
    const variable = portVariable(r);
    const other = variables.get(variable);
    if (other !== undefined && other !== r.name) {
      out.push({
        path: `${path}.name`,
        reason: `routes '${other}' and '${r.name}' would both pass their port as $${variable}`,
      });
    }
    variables.set(variable, r.name);
    if (r.hostname !== '' && !HOSTNAME.test(r.hostname.toLowerCase())) {
      out.push({ path: `${path}.hostname`, reason: `'${r.hostname}' is not a hostname` });
    }
    if (r.public && r.hostname === '') {
      out.push({ path: `${path}.hostname`, reason: 'a public route needs a hostname' });
    }
  });
  return out;
}
