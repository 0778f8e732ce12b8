// The containers of one deploy, changed so that a failure anywhere can be undone: an old
// container is stopped and set aside under another name while its replacement is created and
// started, and put back when anything fails.
import type { ServiceSpec } from '@mcp/proto';
import type { Logger } from 'pino';

import type { ContainerPlan } from './container-spec.js';
import type { ComponentRow, Store } from './db/store.js';
import { ForeignContainerError } from './errors.js';
import { namedNetworks } from './network.js';
import { FAILED_START_RELEASE_MS, STOP_RELEASE_MS, waitForRelease } from './port-release.js';
import { asideName, LABELS } from './runtime/labels.js';
import type { OwnedContainer, Runtime } from './runtime/runtime.js';
import type { Steps } from './steps.js';

/** What a rollout works with. */
export interface RolloutContext {
  runtime: Runtime;
  store: Store;
  log: Logger;
  config: { name: string; address: string };
}

/** An old container stopped and renamed while its replacement starts. */
interface Aside {
  id: string;
  name: string;
  running: boolean;
  renamed: boolean;
  /** Host ports it publishes, which it needs back when it starts again. */
  ports: number[];
}

/** Whether a container in this state holds its host ports. */
export function isRunning(state: string): boolean {
  return state === 'running' || state === 'restarting';
}

export class Rollout {
  private readonly created: { id: string; name: string }[] = [];
  private readonly aside: Aside[] = [];
  /** Unchanged containers this rollout started or stopped, with their state before. */
  private readonly toggled: { id: string; name: string; running: boolean }[] = [];
  /** Containers of components no longer defined: removed once the deploy succeeded. */
  private stale: OwnedContainer[] = [];

  constructor(
    private readonly ctx: RolloutContext,
    private readonly spec: ServiceSpec,
  ) {}

  /**
   * Brings the containers in line with the plans: keeps an unchanged container (starting or
   * stopping it as `active` says) and replaces a changed one. Throws at the first failure,
   * leaving `rollback` to undo what was done.
   */
  async apply(plans: ContainerPlan[]): Promise<ComponentRow[]> {
    const { runtime, store, log } = this.ctx;
    const recorded = new Map(store.get(this.spec.name)?.components.map((c) => [c.name, c]));
    const ids = new Set([...recorded.values()].map((c) => c.containerId));
    const owned = await runtime.listOwned(this.spec.name);

    // Leftovers of a deploy cut short or of a failed clean-up hold names and ports needed now.
    for (const o of owned.filter((c) => !ids.has(c.id))) {
      log.warn({ container: o.name }, 'removing container missing from the registry');
      await runtime.remove(o.id);
    }
    const current = owned.filter((c) => ids.has(c.id));

    for (const network of namedNetworks(this.spec)) {
      if (await runtime.ensureNetwork(network)) log.info({ network }, 'network created');
    }

    const rows: ComponentRow[] = [];
    for (const plan of plans) {
      const recordedId = recorded.get(plan.component)?.containerId;
      const mine = current.find((c) => c.id === recordedId);
      const id = await this.one(plan, mine);
      rows.push({
        service: this.spec.name,
        name: plan.component,
        image: plan.options.Image ?? '',
        containerId: id,
        containerName: plan.name,
      });
    }
    const kept = new Set(plans.map((p) => recorded.get(p.component)?.containerId));
    this.stale = current.filter((c) => !kept.has(c.id));
    return rows;
  }

  /** Removes the old and the no longer defined containers; the deploy is recorded by now. */
  async finish(): Promise<void> {
    const { runtime, log } = this.ctx;
    for (const old of [...this.aside, ...this.stale]) {
      try {
        await runtime.remove(old.id);
      } catch (err) {
        // Harmless but for the disk it takes: the next deploy or start-up removes it.
        log.warn({ container: old.name, err }, 'failed to remove an old container');
      }
    }
  }

  /**
   * Undoes the rollout: removes the new containers, renames the old ones back and starts those
   * that ran, and puts unchanged containers back in their state. Reports a `rollback` step, whose
   * detail ends with what `more` (best-effort undoing elsewhere, such as routes) says.
   */
  async rollback(steps: Steps, more?: () => Promise<string | undefined>): Promise<void> {
    const { runtime } = this.ctx;
    const { address } = this.ctx.config;
    const done: string[] = [];
    const errors: string[] = [];
    const attempt = async (what: string, work: () => Promise<void>): Promise<void> => {
      try {
        await work();
        done.push(what);
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    };

    for (const c of [...this.created].reverse()) {
      await attempt(`removed new ${c.name}`, () => runtime.remove(c.id));
    }
    for (const old of [...this.aside].reverse()) {
      await attempt(`restored ${old.name}${old.running ? ' (started)' : ''}`, async () => {
        if (old.renamed) await runtime.rename(old.id, old.name);
        if (!old.running) return;
        await waitForRelease(runtime, address, old.ports, FAILED_START_RELEASE_MS);
        await runtime.start(old.id);
      });
    }
    for (const t of this.toggled) {
      const verb = t.running ? 'started' : 'stopped';
      await attempt(`${verb} ${t.name} again`, () =>
        t.running ? runtime.start(t.id) : runtime.stop(t.id),
      );
    }

    const note = await more?.();
    if (note) done.push(note);
    const detail = done.length ? done.join('; ') : 'nothing to undo';
    if (errors.length === 0) steps.ok('rollback', detail);
    else steps.failed('rollback', new Error(`${detail}; but ${errors.join('; ')}`));
  }

  private async one(plan: ContainerPlan, mine: OwnedContainer | undefined): Promise<string> {
    const { runtime, log } = this.ctx;
    const { active } = this.spec;

    // Unchanged: only its state may need to follow `active`.
    if (mine && mine.configHash === plan.configHash && mine.name === plan.name) {
      const running = isRunning(mine.state);
      if (active !== running) {
        this.toggled.push({ id: mine.id, name: mine.name, running });
        await (active ? runtime.start(mine.id) : runtime.stop(mine.id));
      }
      return mine.id;
    }

    // Changed: stop the old one, whose host ports the new one needs, and set it aside.
    if (mine) {
      log.info({ container: mine.name }, 'replacing container');
      const running = isRunning(mine.state);
      const old: Aside = {
        id: mine.id,
        name: mine.name,
        ports: mine.ports,
        running,
        renamed: false,
      };
      this.aside.push(old);
      if (old.running) {
        await runtime.stop(mine.id);
        await waitForRelease(runtime, this.ctx.config.address, mine.ports, STOP_RELEASE_MS);
      }
      const aside = asideName(plan.name);
      if (mine.name !== aside) {
        await runtime.rename(mine.id, aside);
        old.renamed = true;
      }
    }

    await this.requireFreeName(plan.name);
    const id = await runtime.create(plan.options);
    this.created.push({ id, name: plan.name });
    if (active) await runtime.start(id);
    return id;
  }

  /** Refuses a name held by a container that is not this service's, saying whose it is. */
  private async requireFreeName(name: string): Promise<void> {
    const other = await this.ctx.runtime.inspect(name);
    if (!other) return;
    const labels = other.labels;
    const ours = labels[LABELS.managed] === 'true' && labels[LABELS.node] === this.ctx.config.name;
    throw new ForeignContainerError(name, ours ? labels[LABELS.service] : undefined);
  }
}
