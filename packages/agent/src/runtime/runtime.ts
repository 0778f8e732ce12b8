// The container runtime as the agent sees it: dockerode against a Docker-compatible socket,
// narrowed to containers that carry this node's labels.
import Docker from 'dockerode';

import { LABELS } from './labels.js';

/** A container the agent owns, as the runtime reports it. */
export interface OwnedContainer {
  id: string;
  name: string;
  service: string;
  component: string;
  image: string;
  state: string;
  configHash: string;
  /** Host ports it publishes, whether or not it runs. */
  ports: number[];
}

/** Live details of one container. */
export interface ContainerDetails {
  id: string;
  state: string;
  restartCount: number;
  startedAtMs: number;
  labels: Record<string, string>;
}

/** Thrown when the runtime refuses an operation; `cause` keeps the runtime's error. */
export class RuntimeError extends Error {
  readonly code = 'RUNTIME';
  /** The HTTP status the runtime answered, when it answered. */
  readonly status: number | undefined;

  constructor(
    readonly action: string,
    readonly target: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to ${action} '${target}': ${reason}`, options);
    this.name = 'RuntimeError';
    this.status = statusOf(options?.cause);
  }

  /** The container (or image) acted on does not exist. */
  get missing(): boolean {
    return this.status === 404;
  }
}

/** Whether `err` says the container acted on does not exist. */
export function isMissing(err: unknown): boolean {
  return err instanceof RuntimeError ? err.missing : statusOf(err) === 404;
}

function reasonOf(err: unknown): string {
  const e = err as { json?: { message?: string }; message?: string; reason?: string };
  return (e.json?.message ?? e.message ?? String(err)).trim();
}

function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number } | undefined)?.statusCode;
}

/** The agent's handle on the container runtime. */
export class Runtime {
  readonly docker: Docker;

  constructor(
    socketPath: string,
    private readonly node: string,
  ) {
    this.docker = new Docker({ socketPath });
  }

  /** Answers the runtime's version, or throws when it does not answer. */
  async version(): Promise<string> {
    const v = await this.docker.version();
    return `${v.Components?.[0]?.Name ?? 'engine'} ${v.Version}`;
  }

  /**
   * Asks the runtime for its system info, for what answering costs it: the allocations bring
   * the next garbage collection of the Podman service forward (see `port-release.ts`).
   */
  async nudge(): Promise<void> {
    await this.docker.info();
  }

  async hasImage(ref: string): Promise<boolean> {
    try {
      await this.docker.getImage(ref).inspect();
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw new RuntimeError('inspect image', ref, reasonOf(err), { cause: err });
    }
  }

  /** Pulls an image; the runtime's progress stream carries errors that must be read out. */
  async pull(ref: string): Promise<void> {
    try {
      const stream = await this.docker.pull(ref);
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(stream, (err, events: { error?: string }[]) => {
          const failed = err ?? events.find((e) => e.error)?.error;
          if (failed) reject(failed instanceof Error ? failed : new Error(failed));
          else resolve();
        });
      });
    } catch (err) {
      throw new RuntimeError('pull image', ref, reasonOf(err), { cause: err });
    }
  }

  /** Containers of this node, of one service when given. */
  async listOwned(service?: string): Promise<OwnedContainer[]> {
    const label = [`${LABELS.managed}=true`, `${LABELS.node}=${this.node}`];
    if (service) label.push(`${LABELS.service}=${service}`);
    const list = await this.docker.listContainers({ all: true, filters: { label } });
    return list.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      service: c.Labels[LABELS.service] ?? '',
      component: c.Labels[LABELS.component] ?? '',
      image: c.Image,
      state: c.State,
      configHash: c.Labels[LABELS.configHash] ?? '',
      ports: (c.Ports ?? []).map((p) => p.PublicPort).filter((p) => p > 0),
    }));
  }

  /** Details of a container; undefined when it no longer exists. */
  async inspect(idOrName: string): Promise<ContainerDetails | undefined> {
    try {
      const c = await this.docker.getContainer(idOrName).inspect();
      const started = Date.parse(c.State.StartedAt);
      return {
        id: c.Id,
        state: c.State.Status,
        restartCount: c.RestartCount ?? 0,
        startedAtMs: c.State.Running && Number.isFinite(started) ? started : 0,
        labels: c.Config.Labels ?? {},
      };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw new RuntimeError('inspect container', idOrName, reasonOf(err), { cause: err });
    }
  }

  /** Creates the named network unless it exists; answers whether it created it. */
  async ensureNetwork(name: string): Promise<boolean> {
    try {
      const found = await this.docker.listNetworks({ filters: { name: [name] } });
      if (found.some((n) => n.Name === name)) return false;
      await this.docker.createNetwork({ Name: name });
      return true;
    } catch (err) {
      throw new RuntimeError('create network', name, reasonOf(err), { cause: err });
    }
  }

  async create(options: Docker.ContainerCreateOptions): Promise<string> {
    try {
      const c = await this.docker.createContainer(options);
      return c.id;
    } catch (err) {
      throw new RuntimeError('create container', options.name ?? '?', reasonOf(err), {
        cause: err,
      });
    }
  }

  async start(id: string): Promise<void> {
    await this.act('start container', id, () => this.docker.getContainer(id).start(), 304);
  }

  async stop(id: string, timeoutSeconds = 10): Promise<void> {
    await this.act(
      'stop container',
      id,
      () => this.docker.getContainer(id).stop({ t: timeoutSeconds }),
      304,
    );
  }

  async restart(id: string, timeoutSeconds = 10): Promise<void> {
    await this.act('restart container', id, () =>
      this.docker.getContainer(id).restart({ t: timeoutSeconds }),
    );
  }

  /** Renames a container; the new name must be free. */
  async rename(id: string, name: string): Promise<void> {
    try {
      await this.docker.getContainer(id).rename({ name });
    } catch (err) {
      const reason = `${reasonOf(err)} (renaming to '${name}')`;
      throw new RuntimeError('rename container', id, reason, { cause: err });
    }
  }

  async remove(id: string): Promise<void> {
    await this.act(
      'remove container',
      id,
      () => this.docker.getContainer(id).remove({ force: true, v: false }),
      404,
    );
  }

  /** Runs an action; `harmless` is a status code meaning "already so" (304 or 404). */
  private async act(
    action: string,
    id: string,
    fn: () => Promise<unknown>,
    harmless?: number,
  ): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (harmless !== undefined && statusOf(err) === harmless) return;
      throw new RuntimeError(action, id, reasonOf(err), { cause: err });
    }
  }
}
