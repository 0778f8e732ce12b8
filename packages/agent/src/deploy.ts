// Deploy on this node: validate, pull, assign ports, create or recreate, start, record.
import type { ServiceSpec } from '@mcp/proto';
import { allocatePorts, validateServiceSpec } from '@mcp/scheduler';
import type { Logger } from 'pino';

import type { AgentConfig } from './config.js';
import { planContainer, type ContainerPlan, type HeldPort } from './container-spec.js';
import type { ComponentRow, PortRow, Store } from './db/store.js';
import { ForeignContainerError, PortsExhaustedError } from './errors.js';
import type { OwnedContainer, Runtime } from './runtime/runtime.js';
import { Steps } from './steps.js';
import { resolveVolume } from './volumes.js';

export interface DeployContext {
  config: AgentConfig;
  runtime: Runtime;
  store: Store;
  log: Logger;
}

/** Deploys a service; returns its steps. Bad input throws before anything is touched. */
export async function deploy(ctx: DeployContext, spec: ServiceSpec): Promise<Steps> {
  const { config, runtime, store } = ctx;
  const log = ctx.log.child({ service: spec.name });
  const steps = new Steps(config.name);

  // Input: the same rules as the CLI and master, then volume paths on this host.
  validateServiceSpec(spec);
  const binds = spec.components.map((c) =>
    c.volumes.map((v) => resolveVolume(spec.name, v, config.srvRoot)),
  );
  steps.ok('validate', `${spec.components.length} component(s)`);

  // Pull every absent image before creating anything, so a missing image leaves nothing behind.
  try {
    const pulled: string[] = [];
    for (const image of new Set(spec.components.map((c) => c.image))) {
      if (await runtime.hasImage(image)) continue;
      log.info({ image }, 'pulling image');
      await runtime.pull(image);
      pulled.push(image);
    }
    steps.ok('pull', pulled.length ? `pulled ${pulled.join(', ')}` : 'images present');
  } catch (err) {
    steps.failed('pull', err);
    return steps;
  }

  let held: Map<string, HeldPort[]>;
  try {
    held = assignPorts(spec, store, config);
    const all = [...held.values()].flat().map((h) => h.hostPort);
    steps.ok('ports', all.length ? `host ports ${all.join(', ')}` : 'no routes');
  } catch (err) {
    steps.failed('ports', err);
    return steps;
  }

  const plans = spec.components.map((c, i) =>
    planContainer(config.name, config.address, spec, c, held.get(c.name) ?? [], binds[i] ?? []),
  );
  let rows: ComponentRow[];
  try {
    rows = await converge(ctx, spec, plans);
    steps.ok('containers', rows.map((r) => r.containerName).join(', '));
  } catch (err) {
    steps.failed('containers', err);
    return steps;
  }

  const portRows: PortRow[] = spec.components.flatMap((c) =>
    (held.get(c.name) ?? []).map((h) => {
      const route = c.routes.find((r) => r.name === h.route);
      return {
        hostPort: h.hostPort,
        service: spec.name,
        component: c.name,
        route: h.route,
        listenerPort: route?.port ?? 0,
        mode: route?.mode ?? 0,
        hostname: route?.hostname ?? '',
        public: route?.public ?? false,
      };
    }),
  );
  store.save(spec, spec.active, rows, portRows);
  steps.ok('registry', 'recorded');
  log.info({ containers: rows.length }, 'service deployed');
  return steps;
}

/** Keeps each route's port across redeploys; new routes take the lowest free ports. */
function assignPorts(
  spec: ServiceSpec,
  store: Store,
  config: AgentConfig,
): Map<string, HeldPort[]> {
  const previous = store.get(spec.name)?.ports ?? [];
  const inUse = new Set(store.portsInUse().filter((p) => !previous.some((r) => r.hostPort === p)));
  const out = new Map<string, HeldPort[]>();
  const wanted: { component: string; route: string }[] = [];

  for (const c of spec.components) {
    const list: HeldPort[] = [];
    for (const r of c.routes) {
      const kept = previous.find((p) => p.component === c.name && p.route === r.name);
      if (kept && !inUse.has(kept.hostPort)) {
        list.push({ route: r.name, hostPort: kept.hostPort });
        inUse.add(kept.hostPort);
      } else {
        wanted.push({ component: c.name, route: r.name });
      }
    }
    out.set(c.name, list);
  }

  if (wanted.length > 0) {
    let fresh: number[];
    try {
      const range = { first: config.ports.min, last: config.ports.max };
      fresh = allocatePorts(range, [...inUse], wanted.length);
    } catch (err) {
      throw new PortsExhaustedError(spec.name, (err as Error).message);
    }
    wanted.forEach((w, i) =>
      out.get(w.component)?.push({ route: w.route, hostPort: fresh[i] ?? 0 }),
    );
  }
  return out;
}

/**
 * Brings the containers in line with the plans: keeps an unchanged container (starting it when
 * needed), recreates a changed one, removes components no longer defined. When creating fails,
 * the containers this call created are removed again.
 */
async function converge(
  ctx: DeployContext,
  spec: ServiceSpec,
  plans: ContainerPlan[],
): Promise<ComponentRow[]> {
  const { runtime } = ctx;
  const owned = await runtime.listOwned(spec.name);
  const created: string[] = [];
  const rows: ComponentRow[] = [];

  try {
    for (const plan of plans) {
      const component = plan.options.Labels?.['mcp.component'] ?? '';
      const mine = owned.find((o) => o.component === component);
      const id = await convergeOne(ctx, spec, plan, mine, created);
      rows.push({
        service: spec.name,
        name: component,
        image: plan.options.Image ?? '',
        containerId: id,
        containerName: plan.name,
      });
    }
  } catch (err) {
    for (const id of created) await runtime.remove(id).catch(() => undefined);
    throw err;
  }

  const kept = new Set(rows.map((r) => r.containerId));
  for (const o of owned) if (!kept.has(o.id)) await runtime.remove(o.id);
  return rows;
}

async function convergeOne(
  ctx: DeployContext,
  spec: ServiceSpec,
  plan: ContainerPlan,
  mine: OwnedContainer | undefined,
  created: string[],
): Promise<string> {
  const { runtime, log } = ctx;
  if (mine && mine.configHash === plan.configHash) {
    if (spec.active && mine.state !== 'running') await runtime.start(mine.id);
    return mine.id;
  }

  if (mine) {
    log.info({ container: mine.name }, 'recreating container');
    await runtime.remove(mine.id);
  } else {
    const other = await runtime.inspect(plan.name);
    if (other) throw new ForeignContainerError(plan.name);
  }
  const id = await runtime.create(plan.options);
  created.push(id);
  if (spec.active) await runtime.start(id);
  return id;
}
