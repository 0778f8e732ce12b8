// Host ports of a deploy: a route keeps its port across redeploys; a new route takes the lowest
// port of the range that no service holds, no deploy in flight holds, and that can be bound now.
import { createServer } from 'node:net';

import type { ServiceSpec } from '@mcp/proto';
import { allocatePorts } from '@mcp/scheduler';

import type { HeldPort } from './container-spec.js';
import type { PortRow } from './db/store.js';
import { PortCheckError, PortsExhaustedError } from './errors.js';

/** Rounds of allocation before a deploy gives up on finding ports it can bind. */
const MAX_ROUNDS = 8;

/**
 * Ports held by deploys in flight, node-wide: the per-service lock lets two services deploy at
 * once, and neither may take a port the other has chosen but not yet recorded.
 */
export class PortClaims {
  private readonly held = new Set<number>();

  /** Every port held by a deploy in flight. */
  all(): number[] {
    return [...this.held];
  }

  /** Opens a claim for one deploy; release it once the deploy is recorded or has failed. */
  open(): PortClaim {
    const mine = new Set<number>();
    return {
      add: (ports) => {
        for (const p of ports) {
          mine.add(p);
          this.held.add(p);
        }
      },
      drop: (port) => {
        if (mine.delete(port)) this.held.delete(port);
      },
      release: () => {
        for (const p of mine) this.held.delete(p);
        mine.clear();
      },
    };
  }
}

/** The ports one deploy holds in a `PortClaims`. */
export interface PortClaim {
  add(ports: Iterable<number>): void;
  drop(port: number): void;
  release(): void;
}

export interface PortRequest {
  spec: ServiceSpec;
  /** The service's ports as recorded by its last deploy; a route keeps its own. */
  previous: PortRow[];
  /** Ports taken by services and containers of this node, whoever holds them. */
  inUse: Iterable<number>;
  claims: PortClaims;
  range: { min: number; max: number };
  /** The node's address, where the ports are published. */
  address: string;
}

/** Ports per component, and the claim that holds them until the caller releases it. */
export interface PortAssignment {
  held: Map<string, HeldPort[]>;
  claim: PortClaim;
}

/** Assigns a host port to every route of the spec; the new ones are held in `claims`. */
export async function assignPorts(req: PortRequest): Promise<PortAssignment> {
  const { spec, previous } = req;
  const claim = req.claims.open();
  const held = new Map<string, HeldPort[]>();
  const wanted: { component: string; route: string }[] = [];

  // Kept: a route deployed before holds its port, which no other service may take.
  for (const c of spec.components) {
    const list: HeldPort[] = [];
    for (const r of c.routes) {
      const kept = previous.find((p) => p.component === c.name && p.route === r.name);
      if (kept) list.push({ route: r.name, hostPort: kept.hostPort });
      else wanted.push({ component: c.name, route: r.name });
    }
    held.set(c.name, list);
  }

  try {
    const fresh = await bindablePorts(req, claim, wanted.length);
    wanted.forEach((w, i) =>
      held.get(w.component)?.push({ route: w.route, hostPort: fresh[i] ?? 0 }),
    );
  } catch (err) {
    claim.release();
    throw err;
  }
  return { held, claim };
}

/**
 * Takes `count` ports from the range, claiming each before checking it, so that a deploy
 * running meanwhile cannot take it; a port that cannot be bound is skipped and another taken.
 */
async function bindablePorts(req: PortRequest, claim: PortClaim, count: number): Promise<number[]> {
  const range = { first: req.range.min, last: req.range.max };
  const busy = new Set<number>();
  const out: number[] = [];

  for (let round = 0; out.length < count; round++) {
    if (round === MAX_ROUNDS) {
      const reason = `ports ${[...busy].join(', ')} are bound by other processes`;
      throw new PortsExhaustedError(req.spec.name, `${reason}; gave up after ${round} tries`);
    }
    let candidates: number[];
    try {
      const taken = [...req.inUse, ...req.claims.all(), ...busy];
      candidates = allocatePorts(range, taken, count - out.length);
    } catch (err) {
      throw new PortsExhaustedError(req.spec.name, (err as Error).message);
    }
    claim.add(candidates);

    const free = await Promise.all(candidates.map((p) => canBind(req.address, p)));
    candidates.forEach((p, i) => {
      if (free[i]) {
        out.push(p);
      } else {
        busy.add(p);
        claim.drop(p);
      }
    });
  }
  return out.sort((a, b) => a - b);
}

/** Whether `address:port` can be bound right now (by binding it and closing again). */
export function canBind(address: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(false);
      else reject(new PortCheckError(address, port, err.message, { cause: err }));
    });
    server.listen({ host: address, port, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}
