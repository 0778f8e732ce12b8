// The agent's operations, one per RPC, each serialised per service.
import { acmeCertificates, ProxyClient, type AcmeCertificates } from '@mcp/mcproxy';
import { RouteMode } from '@mcp/proto';
import type { ComponentStatus, LogChunk, ServiceSpec, ServiceStatus } from '@mcp/proto';
import { imageVersion } from '@mcp/scheduler';
import AsyncLock from 'async-lock';
import type { Logger } from 'pino';

import type { AgentConfig } from './config.js';
import type { Store, StoredService } from './db/store.js';
import { deploy } from './deploy.js';
import { ContainerMissingError, ServiceNotFoundError } from './errors.js';
import { streamLogs } from './logs.js';
import { PortClaims } from './ports.js';
import { releaseStep, registerStep } from './route-steps.js';
import { keepRoutes, renewCertificates } from './route-keeper.js';
import { isMissing, type Runtime } from './runtime/runtime.js';
import { certificateExpiry, routeHostname } from './routes.js';
import { Steps } from './steps.js';

/** The result of an operation on one service: its steps and, when it still exists, its state. */
export interface Outcome {
  steps: Steps;
  service?: ServiceStatus;
}

type Verb = 'stop' | 'start' | 'restart';

/** Who removes the routes a stop could not release from the proxy. */
const STOP_LEFT =
  'the service stays stopped; the route keeper releases them within one heartbeat interval, ' +
  'or `mcp route remove` does';
/** Who removes the routes an undeploy could not release from the proxy. */
const UNDEPLOY_LEFT = 'the service stays undeployed; remove them with `mcp route remove`';

export class Agent {
  private readonly lock = new AsyncLock({ maxPending: 100 });
  /** Host ports chosen by deploys in flight, kept from every other deploy of this node. */
  readonly claims = new PortClaims();
  /** The node's mc-proxy; undefined when the config names none (no routes are registered). */
  readonly proxy: ProxyClient | undefined;
  /** `[acme]`'s certificate manager (with a proxy only); undefined: pairs placed by hand. */
  readonly certificates: AcmeCertificates | undefined;
  /** When the keeper last looked for certificates to renew (ms); 0: not yet. */
  private renewalCheckedAt = 0;

  constructor(
    readonly config: AgentConfig,
    readonly runtime: Runtime,
    readonly store: Store,
    readonly log: Logger,
  ) {
    this.proxy = config.proxySocket ? new ProxyClient(config.proxySocket) : undefined;
    this.certificates =
      this.proxy && config.acme ? acmeCertificates(config.acme, config.certDir) : undefined;
  }

  /**
   * One pass of the route keeper: the routes of every active service registered again where the
   * proxy lost or changed them, those of stopped services released; each under its service's
   * lock. With `[acme]`, first (at the first pass and then every `check_interval_ms`) the
   * certificates of the services' L7 hostnames that expire within the window are renewed; the
   * proxy re-reads a renewed pair by itself, the paths stay.
   */
  async keepRoutes(): Promise<void> {
    const interval = this.config.acme?.checkIntervalMs ?? Infinity;
    if (this.certificates && Date.now() - this.renewalCheckedAt >= interval) {
      this.renewalCheckedAt = Date.now();
      await renewCertificates(this, this.certificates);
    }
    await keepRoutes(this, (name, work) => this.lock.acquire(name, work));
  }

  /** Closes the channel to the proxy. */
  close(): void {
    this.proxy?.close();
  }

  deploy(spec: ServiceSpec): Promise<Outcome> {
    return this.lock.acquire(spec.name, async () => {
      const steps = await deploy(this, spec).catch((err: unknown) => {
        this.log.warn({ service: spec.name, step: 'validate', err }, 'operation failed');
        throw err;
      });
      const stored = this.store.get(spec.name);
      return { steps, service: stored && (await this.describe(stored)) };
    });
  }

  stop(name: string): Promise<Outcome> {
    return this.each(name, 'stop', false, (id) => this.runtime.stop(id));
  }

  start(name: string): Promise<Outcome> {
    return this.each(name, 'start', true, (id) => this.runtime.start(id));
  }

  restart(name: string): Promise<Outcome> {
    return this.each(name, 'restart', true, (id) => this.runtime.restart(id));
  }

  /** Removes containers and registry rows (and so the ports); volume data stays on disk. */
  undeploy(name: string): Promise<Steps> {
    return this.lock.acquire(name, async () => {
      const log = this.log.child({ service: name });
      const stored = this.require(name);
      const steps = new Steps(this.config.name, log);
      const owned = await this.runtime.listOwned(name);
      try {
        for (const c of owned) await this.runtime.remove(c.id);
      } catch (err) {
        steps.failed('containers', err);
        return steps;
      }
      steps.ok('containers', `removed ${owned.map((c) => c.name).join(', ') || 'none'}`);
      await releaseStep(this, stored, steps, UNDEPLOY_LEFT);
      this.store.remove(name);
      steps.ok(
        'registry',
        `released ports ${stored.ports.map((p) => p.hostPort).join(', ') || 'none'}`,
      );
      log.info('service undeployed');
      return steps;
    });
  }

  /** One service, or every service on the node when `name` is empty. */
  async status(name: string): Promise<ServiceStatus[]> {
    const stored = name ? [this.require(name)] : this.store.list();
    return Promise.all(stored.map((s) => this.describe(s)));
  }

  logs(
    name: string,
    component: string,
    follow: boolean,
    tail: number,
    signal: AbortSignal,
  ): AsyncIterable<LogChunk> {
    const stored = this.require(name);
    const rows = stored.components.filter((c) => !component || c.name === component);
    if (rows.length === 0) throw new ServiceNotFoundError(`${name}/${component}`, this.config.name);
    return this.logged(name, streamLogs(this.runtime, rows, { follow, tail, signal }));
  }

  /** Passes a log stream on, logging why it failed. */
  private async *logged(name: string, chunks: AsyncIterable<LogChunk>): AsyncGenerator<LogChunk> {
    try {
      yield* chunks;
    } catch (err) {
      this.log.warn({ service: name, step: 'logs', err }, 'operation failed');
      throw err;
    }
  }

  /**
   * Acts on every container of a service. A container removed behind the agent's back counts
   * as stopped; it cannot be started, which fails before any container is touched.
   */
  private each(
    name: string,
    verb: Verb,
    active: boolean,
    act: (id: string) => Promise<void>,
  ): Promise<Outcome> {
    return this.lock.acquire(name, async () => {
      const log = this.log.child({ service: name });
      const stored = this.require(name);
      const steps = new Steps(this.config.name, log);

      if (verb !== 'stop') {
        for (const c of stored.components) {
          if (await this.runtime.inspect(c.containerId)) continue;
          const err = new ContainerMissingError(verb, name, c.name, c.containerName);
          log.warn({ step: verb, err }, 'operation failed');
          throw err;
        }
      }

      const done: string[] = [];
      for (const c of stored.components) {
        try {
          await act(c.containerId);
          done.push(c.containerName);
        } catch (err) {
          if (verb === 'stop' && isMissing(err)) {
            log.warn({ container: c.containerName }, 'container missing; counted as stopped');
            done.push(`${c.containerName} (missing)`);
            continue;
          }
          const failure = isMissing(err)
            ? new ContainerMissingError(verb, name, c.name, c.containerName)
            : err;
          steps.failed(verb, failure);
          return { steps, service: await this.describe(stored) };
        }
      }

      this.store.setActive(name, active);
      steps.ok(verb, done.join(', '));
      const now = this.require(name);
      if (active) await registerStep(this, now, steps);
      else await releaseStep(this, now, steps, STOP_LEFT);
      log.info({ active }, `service ${verb} done`);
      return { steps, service: await this.describe(now) };
    });
  }

  private require(name: string): StoredService {
    const stored = this.store.get(name);
    if (!stored) throw new ServiceNotFoundError(name, this.config.name);
    return stored;
  }

  private async describe(s: StoredService): Promise<ServiceStatus> {
    const components: ComponentStatus[] = await Promise.all(
      s.components.map(async (c) => {
        const live = await this.runtime.inspect(c.containerId);
        return {
          name: c.name,
          image: c.image,
          version: imageVersion(c.image),
          containerId: c.containerId,
          state: live?.state ?? 'missing',
          restartCount: live?.restartCount ?? 0,
          startedAtMs: live?.startedAtMs ?? 0,
          ports: s.ports
            .filter((p) => p.component === c.name)
            .map((p) => {
              const proxyHostname = routeHostname(s.row.name, p, this.config.zone);
              const l7 = p.mode === RouteMode.ROUTE_MODE_L7;
              return {
                route: p.route,
                hostIp: this.config.address,
                hostPort: p.hostPort,
                listenerPort: p.listenerPort,
                mode: p.mode,
                hostname: p.hostname,
                public: p.public,
                proxyHostname,
                tlsNotAfterMs: l7 ? certificateExpiry(this.config.certDir, proxyHostname) : 0,
              };
            }),
        };
      }),
    );
    return {
      name: s.row.name,
      node: this.config.name,
      active: s.row.active,
      deployedAtMs: s.row.deployedAt,
      components,
    };
  }
}
