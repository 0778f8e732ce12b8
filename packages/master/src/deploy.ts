// Deploy across the fleet: find where the service runs, stay there when that node still
// satisfies the target, otherwise let the scheduler place it; count the placement at once, call
// the agent, and when the service moved, remove it from the node it left.
import {
  NodeHealth,
  StepStatus,
  type PlacementResult,
  type ServiceSpec,
  type ServiceStatus,
  type Step,
} from '@mcp/proto';
import { AmbiguousTargetError, assertPlaced, place, serviceResources } from '@mcp/scheduler';
import type { Logger } from 'pino';

import type { Agents } from './agents.js';
import type { Clock } from './clock.js';
import type { DnsRecords } from './dns.js';
import type { EdgeRoutes } from './edge.js';
import { NodeUnhealthyError } from './errors.js';
import type { Locator } from './locate.js';
import { placementDetail, specTargetText } from './placement-text.js';
import type { PublicRoute } from './public-routes.js';
import type { NodeRegistry } from './registry.js';
import { fleetSnapshot } from './snapshot.js';

/** What a deploy did. */
export interface DeployOutcome {
  steps: Step[];
  service?: ServiceStatus;
  /** The node the service runs on (or would, for a dry run). */
  node: string;
  /** The scheduler's decision; absent for a redeploy in place. */
  placement?: PlacementResult;
}

/** What the deployer works with. */
export interface DeployContext {
  registry: NodeRegistry;
  agents: Agents;
  locator: Locator;
  clock: Clock;
  /** A node silent for this long gets no placements (3 heartbeat intervals). */
  staleAfterMs: number;
  /** The edge nodes' routes. */
  edge: EdgeRoutes;
  /** The service names in MCNS; undefined without `[mcns]` (no DNS step). */
  dns?: DnsRecords;
  log: Logger;
}

function step(name: string, node: string, detail: string, error = ''): Step {
  const status = error ? StepStatus.STEP_STATUS_FAILED : StepStatus.STEP_STATUS_OK;
  return { name, status, detail, error, node };
}

/**
 * Deploys one service whose public routes (`publicRoutes`, checked by the caller) are `wanted`;
 * the caller holds the service's lock and those hostnames'.
 */
export async function deployService(
  ctx: DeployContext,
  spec: ServiceSpec,
  wanted: readonly PublicRoute[],
  dryRun: boolean,
): Promise<DeployOutcome> {
  await ctx.edge.checkOwners(spec.name, wanted);
  const { nodes: running } = await ctx.locator.find(spec.name);
  const isPool = targetIsPool(ctx.registry, spec);
  const stay = running.find((node) => satisfies(ctx.registry, spec.node, isPool, node));

  // Stay: a redeploy in place on the node that runs it.
  if (stay !== undefined) {
    const record = ctx.registry.get(stay);
    if (record?.health === NodeHealth.NODE_HEALTH_UNHEALTHY) {
      throw new NodeUnhealthyError(spec.name, stay, record.healthError);
    }
    const target = specTargetText(spec.node, isPool);
    const detail = `runs on '${stay}', which satisfies the target (${target}): redeploy in place`;
    const placed = step('placement', stay, detail);
    if (dryRun) return { steps: [placed], node: stay };
    return run(ctx, { spec, node: stay, running, wanted }, placed, undefined);
  }

  // Place: the scheduler chooses from the registry's snapshot, and the choice is counted in the
  // registry before anything else runs, so a concurrent deploy of another service sees it.
  const now = ctx.clock.now();
  const placement = place(spec, fleetSnapshot(ctx.registry, now, ctx.staleAfterMs));
  const node = assertPlaced(placement);
  const from = running.length > 0 ? `moving from ${running.map((n) => `'${n}'`).join(', ')}: ` : '';
  const placed = step('placement', node, from + placementDetail(placement));
  if (dryRun) return { steps: [placed], node, placement };
  return run(ctx, { spec, node, running, wanted }, placed, placement);
}

/** One deploy decided: where it goes, where it ran, and its public routes. */
interface Decided {
  spec: ServiceSpec;
  node: string;
  running: readonly string[];
  wanted: readonly PublicRoute[];
}

async function run(
  ctx: DeployContext,
  { spec, node, running, wanted }: Decided,
  placed: Step,
  placement: PlacementResult | undefined,
): Promise<DeployOutcome> {
  const log = ctx.log.child({ service: spec.name, node });
  ctx.registry.reserve(node, spec.name, serviceResources(spec));
  log.info({ running, moving: !running.includes(node) }, 'deploying');

  // TODO: Deploy carries no deadline (an image pull may take minutes), so a node cut off in the
  // middle of one holds the service's lock until TCP gives up on the connection.
  let out;
  try {
    out = await ctx.agents.call(node, 'Deploy', (c) => c.deploy({ spec }));
  } catch (err) {
    ctx.registry.release(node, spec.name);
    throw err;
  }
  const steps = [placed, ...out.steps];
  const moves = running.filter((n) => n !== node);
  if (out.steps.some((s) => s.status === StepStatus.STEP_STATUS_FAILED)) {
    // The new node did not take the service: it keeps running where it ran.
    ctx.registry.release(node, spec.name);
    for (const old of moves) {
      const kept = `kept on '${old}': the deploy on '${node}' failed`;
      steps.push({ ...step('undeploy', old, kept), status: StepStatus.STEP_STATUS_SKIPPED });
    }
    log.warn({ moves }, 'deploy failed on the node; nothing removed elsewhere');
    return { steps, service: out.service, node, placement };
  }
  ctx.registry.settle(node, spec.name);

  // The edges point at the new node before the old one stops serving: the switch is the only
  // moment a public request can fail. An inactive service keeps no edge routes.
  const edge = !spec.active
    ? await ctx.edge.withdraw(spec.name)
    : out.service
      ? await ctx.edge.expose(out.service, wanted)
      : [];
  steps.push(...edge);
  const edgeFailed = edge.some((s) => s.status === StepStatus.STEP_STATUS_FAILED);

  // The service's name follows it before the old node is left, like the edges. A failure is a
  // failed step: the deploy stands, and deploying again converges.
  if (ctx.dns) steps.push(await ctx.dns.register(spec.name, node));

  // Leave the nodes the service moved from, now that it runs on the new one; not while an edge
  // may still point at them.
  for (const old of moves) {
    if (edgeFailed && wanted.length > 0) {
      const kept = `kept on '${old}': an edge route may still point there; deploy again`;
      steps.push({ ...step('undeploy', old, kept), status: StepStatus.STEP_STATUS_SKIPPED });
      continue;
    }
    steps.push(await leave(ctx, spec.name, old, node, log));
  }
  return { steps, service: out.service, node, placement };
}

/** Undeploys a service from a node it moved away from; a failure is a failed step. */
async function leave(
  ctx: DeployContext,
  service: string,
  old: string,
  node: string,
  log: Logger,
): Promise<Step> {
  const detail = `removed from '${old}' after the deploy on '${node}'`;
  try {
    await ctx.agents.call(old, 'Undeploy', (c) => c.undeploy({ service }));
    ctx.registry.reserve(old, service, undefined);
    ctx.registry.settle(old, service);
    log.info({ from: old }, 'service left its previous node');
    return step('undeploy', old, detail);
  } catch (err) {
    log.error({ from: old, err }, 'service not removed from its previous node');
    const stuck = `still runs on '${old}' as well; deploy again to retry the removal`;
    return step('undeploy', old, stuck, (err as Error).message);
  }
}

/** Whether the service's `node` field names a pool some node declares (and no node). */
function targetIsPool(registry: NodeRegistry, spec: ServiceSpec): boolean {
  if (spec.node === '') return false;
  let isPool = false;
  for (const record of registry.records()) {
    if (record.info.pools.includes(spec.node)) isPool = true;
  }
  if (isPool && registry.get(spec.node)) throw new AmbiguousTargetError(spec.name, spec.node);
  return isPool;
}

/** Whether a node satisfies a target: the node named, a node of the pool named, or any. */
function satisfies(registry: NodeRegistry, target: string, isPool: boolean, node: string): boolean {
  if (target === '') return true;
  if (!isPool) return target === node;
  return registry.get(node)?.info.pools.includes(target) ?? false;
}
