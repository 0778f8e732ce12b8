// The edge agent's only state: its routes, in a small JSON file in state_dir, rewritten whole
// through a temporary file and a rename so a crash leaves the old file or the new one.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { EdgeRoute } from '@mcp/proto';

/** The file's name inside `state_dir`. */
export const STATE_FILE = 'edge-routes.json';

/** The key of a route on the proxy. */
export interface RouteKey {
  listenerPort: number;
  hostname: string;
}

/** What the file holds. */
export interface EdgeState {
  /** The routes the edge serves, as SetupEdgeRoute stored them. */
  routes: EdgeRoute[];
  /**
   * Routes that may be on the proxy though the edge no longer wants them (a change that failed
   * half-way); the next re-sync removes them from the proxy if they are still there.
   */
  release: RouteKey[];
}

/** The state file is there but cannot be read as routes. */
export class StateFileError extends Error {
  readonly code = 'STATE_FILE_INVALID';
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to load edge routes '${file}': ${reason}`, options);
    this.name = 'StateFileError';
  }
}

/** Reads and writes `<state_dir>/edge-routes.json`. */
export class StateFile {
  readonly path: string;

  constructor(stateDir: string) {
    this.path = join(stateDir, STATE_FILE);
  }

  /** The stored state; empty when the file does not exist yet. */
  load(): EdgeState {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { routes: [], release: [] };
      throw new StateFileError(this.path, (err as Error).message, { cause: err });
    }

    try {
      const raw = JSON.parse(text) as { routes?: unknown[]; release?: EdgeState['release'] };
      if (!Array.isArray(raw.routes)) throw new Error('no routes list');
      return {
        routes: raw.routes.map((r) => EdgeRoute.fromJSON(r)),
        release: (raw.release ?? []).map((k) => ({
          listenerPort: Number(k.listenerPort),
          hostname: String(k.hostname),
        })),
      };
    } catch (err) {
      throw new StateFileError(this.path, (err as Error).message, { cause: err });
    }
  }

  /** Replaces the file (mode 0600) with `state`. */
  save(state: EdgeState): void {
    const temp = `${this.path}.${process.pid}.tmp`;
    const body = { routes: state.routes.map((r) => EdgeRoute.toJSON(r)), release: state.release };
    writeFileSync(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.path);
  }
}
