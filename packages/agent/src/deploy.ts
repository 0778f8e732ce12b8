// Deploy on this node: validate, pull, assign ports, roll the containers out, record.
import type { AcmeCertificates, ProxyClient } from '@mcp/mcproxy';
import type { ServiceSpec } from '@mcp/proto';
import { validateServiceSpec } from '@mcp/scheduler';
import type { Logger } from 'pino';

import { checkAdmission } from './admission.js';

import type { AgentConfig } from './config.js';
import { planContainer, type HeldPort } from './container-spec.js';
import type { PortRow, Store } from './db/store.js';
import { DeployRoutes } from './deploy-routes.js';
import { assignPorts, type PortAssignment, type PortClaims } from './ports.js';
import { Rollout } from './rollout.js';
import { obtainCertificates, requireCertificates } from './routes.js';
import type { Runtime } from './runtime/runtime.js';
import { Steps } from './steps.js';
import { resolveVolumes } from './volumes.js';

export interface DeployContext {
  config: AgentConfig;
  runtime: Runtime;
  store: Store;
  log: Logger;
  /** Ports held by the deploys in flight on this node. */
  claims: PortClaims;
  /** The node's mc-proxy; undefined when none is configured (no routes are registered). */
  proxy?: ProxyClient;
  /** The ACME certificate manager of `[acme]`; undefined: pairs are placed by hand. */
  certificates?: AcmeCertificates;
}

/**
 * Deploys a service; returns its steps. Bad input throws before anything is touched. When a
 * container step, the routes step or the registry fails, every container is put back as it was,
 * the registry is left unchanged and the previous routes are restored on the proxy (best effort).
 */
export async function deploy(ctx: DeployContext, spec: ServiceSpec): Promise<Steps> {
  const { config, runtime, store } = ctx;
  const log = ctx.log.child({ service: spec.name });
  const steps = new Steps(config.name, log);

  // Input: the same rules as the CLI and master, then what this node can honour.
  validateServiceSpec(spec);
  const binds = resolveVolumes(spec, config.srvRoot);
  steps.ok('validate', `${spec.components.length} component(s)`);

  // Admission: the scheduler's own check, re-run on what this node measures now.
  try {
    checkAdmission(ctx, spec);
    steps.ok('admission', `node '${config.name}' has room`);
  } catch (err) {
    steps.failed('admission', err);
    return steps;
  }

  // Certificates: every L7 route terminates TLS on the proxy with a pair from cert_dir, obtained
  // through ACME first when [acme] is configured; nothing is created without them.
  if (ctx.proxy) {
    try {
      const detail = ctx.certificates
        ? await obtainCertificates(spec, config, ctx.certificates)
        : found(requireCertificates(spec, config));
      steps.ok('certificates', detail);
    } catch (err) {
      steps.failed('certificates', err);
      return steps;
    }
  }

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

  let ports: PortAssignment;
  try {
    ports = await assignPorts({
      spec,
      previous: store.get(spec.name)?.ports ?? [],
      inUse: [...store.portsInUse(), ...(await unrecordedPorts(runtime, store))],
      claims: ctx.claims,
      range: config.ports,
      address: config.address,
    });
    const all = [...ports.held.values()].flat().map((h) => h.hostPort);
    steps.ok('ports', all.length ? `host ports ${all.join(', ')}` : 'no routes');
  } catch (err) {
    steps.failed('ports', err);
    return steps;
  }

  try {
    const { claims, proxy } = ctx;
    const scoped: DeployContext = { config, runtime, store, log, claims, proxy };
    return await rollOut(scoped, spec, steps, ports.held, binds);
  } finally {
    ports.claim.release();
  }
}

/** Creates and starts the containers and records the service, or undoes it all. */
async function rollOut(
  ctx: DeployContext,
  spec: ServiceSpec,
  steps: Steps,
  held: Map<string, HeldPort[]>,
  binds: string[][],
): Promise<Steps> {
  const { config, log } = ctx;
  const plans = spec.components.map((c, i) =>
    planContainer(config.name, config.address, spec, c, held.get(c.name) ?? [], binds[i] ?? []),
  );
  const rollout = new Rollout(ctx, spec);
  const ports = portRows(spec, held);
  let routes: DeployRoutes | undefined;
  let step = 'containers';

  try {
    const rows = await rollout.apply(plans);
    steps.ok('containers', rows.map((r) => r.containerName).join(', '));

    // Routes before the registry, so that a refused route leaves the registry as it was.
    if (ctx.proxy) {
      step = 'routes';
      routes = new DeployRoutes(ctx.proxy, config, spec, ports, ctx.store.get(spec.name));
      steps.ok('routes', await routes.apply());
    }

    step = 'registry';
    ctx.store.save(spec, spec.active, rows, ports);
    steps.ok('registry', 'recorded');
  } catch (err) {
    steps.failed(step, err);
    await rollout.rollback(steps, () => routes?.restore() ?? Promise.resolve(undefined));
    return steps;
  }

  await rollout.finish();
  log.info({ containers: plans.length, active: spec.active }, 'service deployed');
  return steps;
}

/**
 * Host ports published by containers of this node that the registry does not know (left by a
 * deploy cut short): assigning them again would fail to bind once those containers run.
 */
async function unrecordedPorts(runtime: Runtime, store: Store): Promise<number[]> {
  const recorded = new Set(store.list().flatMap((s) => s.components.map((c) => c.containerId)));
  const owned = await runtime.listOwned();
  return owned.filter((c) => !recorded.has(c.id)).flatMap((c) => c.ports);
}

function portRows(spec: ServiceSpec, held: Map<string, HeldPort[]>): PortRow[] {
  return spec.components.flatMap((c) =>
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
}

function found(names: readonly string[]): string {
  return names.length ? `found for ${names.join(', ')}` : 'no L7 routes';
}
