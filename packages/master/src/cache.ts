// The node cache: `<state_dir>/nodes.json`, which nodes to probe at once after a restart. It is
// a cache, not a store: a missing or unreadable file costs one heartbeat interval, nothing more.
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { NodeInfo } from '@mcp/proto';
import type { Logger } from 'pino';

/** Format version of the file; another version is ignored like a corrupt file. */
const VERSION = 1;

/** Writes are coalesced over this many milliseconds (a fleet registering at once, one write). */
const DEBOUNCE_MS = 200;

/** One node in the file. */
interface CachedNode {
  name: string;
  agent_address: string;
  info: unknown;
  /** The services it last reported; absent in files written before they were kept. */
  services?: unknown;
}

/** A node as the cache keeps it: its info and the services it last reported. */
export interface CachedNodeEntry {
  readonly info: NodeInfo;
  /** Service names; undefined when the node's services are not known. */
  readonly services: readonly string[] | undefined;
}

export class NodeCache {
  readonly file: string;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  /** @param nodes what to write: the registry's current nodes and their services. */
  constructor(
    stateDir: string,
    private readonly nodes: () => CachedNodeEntry[],
    private readonly log: Logger,
  ) {
    this.file = join(stateDir, 'nodes.json');
  }

  /** The cached nodes; none when the file is missing, and none with a warning when it is bad. */
  read(): CachedNodeEntry[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      this.log.warn({ err, file: this.file }, 'node cache unreadable, ignored');
      return [];
    }

    try {
      const data = JSON.parse(text) as { version?: unknown; nodes?: unknown };
      if (data.version !== VERSION || !Array.isArray(data.nodes)) {
        throw new Error(`not a version ${VERSION} node cache`);
      }
      return (data.nodes as CachedNode[]).map((n) => {
        const info = NodeInfo.fromJSON(n.info);
        if (!info.name || info.name !== n.name) throw new Error(`bad entry '${String(n.name)}'`);
        const listed = Array.isArray(n.services) && n.services.every((s) => typeof s === 'string');
        return { info, services: listed ? (n.services as string[]) : undefined };
      });
    } catch (err) {
      this.log.warn({ err, file: this.file }, 'node cache corrupt, ignored');
      return [];
    }
  }

  /** Asks for a write soon; several asks in a short time make one write. */
  changed(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, DEBOUNCE_MS);
    this.timer.unref();
  }

  /** Writes now if a write was asked for (and waits for a write in progress). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.dirty) return this.writing;
    this.dirty = false;
    this.writing = this.writing.then(() => this.write());
    await this.writing;
  }

  /** Writes a temporary file beside the cache, then renames it over: readers never see half. */
  private async write(): Promise<void> {
    const nodes: CachedNode[] = this.nodes().map(({ info, services }) => ({
      name: info.name,
      agent_address: info.agentAddress,
      info: NodeInfo.toJSON(info),
      ...(services ? { services } : {}),
    }));
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify({ version: VERSION, nodes }, null, 1), { mode: 0o600 });
      await rename(tmp, this.file);
      this.log.debug({ file: this.file, nodes: nodes.length }, 'node cache written');
    } catch (err) {
      this.log.warn({ err, file: this.file }, 'node cache not written');
    }
  }
}
