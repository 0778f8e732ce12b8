// Queries on the agent's registry, named for what the agent asks of it.
import { ServiceSpec } from '@mcp/proto';
import { and, eq } from 'drizzle-orm';

import type { Registry } from './index.js';
import { components, ports, services } from './schema.js';

export type ServiceRow = typeof services.$inferSelect;
export type ComponentRow = typeof components.$inferSelect;
export type PortRow = typeof ports.$inferSelect;

/** Everything the registry holds about one service. */
export interface StoredService {
  row: ServiceRow;
  spec: ServiceSpec;
  components: ComponentRow[];
  ports: PortRow[];
}

export class Store {
  constructor(private readonly db: Registry) {}

  get(name: string): StoredService | undefined {
    const row = this.db.select().from(services).where(eq(services.name, name)).get();
    return row && this.expand(row);
  }

  list(): StoredService[] {
    return this.db
      .select()
      .from(services)
      .orderBy(services.name)
      .all()
      .map((row) => this.expand(row));
  }

  /** Every host port held by any service. */
  portsInUse(): number[] {
    return this.db
      .select({ p: ports.hostPort })
      .from(ports)
      .all()
      .map((r) => r.p);
  }

  /** Replaces everything stored about a service in one transaction. */
  save(spec: ServiceSpec, active: boolean, comps: ComponentRow[], held: PortRow[]): void {
    this.db.transaction((tx) => {
      tx.delete(services).where(eq(services.name, spec.name)).run();
      tx.insert(services)
        .values({
          name: spec.name,
          spec: JSON.stringify(ServiceSpec.toJSON(spec)),
          active,
          deployedAt: Date.now(),
        })
        .run();
      if (comps.length > 0) tx.insert(components).values(comps).run();
      if (held.length > 0) tx.insert(ports).values(held).run();
    });
  }

  setActive(name: string, active: boolean): void {
    this.db.update(services).set({ active }).where(eq(services.name, name)).run();
  }

  /** Records that a component now runs in another container. */
  adopt(service: string, component: string, containerId: string, containerName: string): void {
    this.db
      .update(components)
      .set({ containerId, containerName })
      .where(and(eq(components.service, service), eq(components.name, component)))
      .run();
  }

  /** Removes a service with its components and ports (cascade). */
  remove(name: string): void {
    this.db.delete(services).where(eq(services.name, name)).run();
  }

  private expand(row: ServiceRow): StoredService {
    return {
      row,
      spec: ServiceSpec.fromJSON(JSON.parse(row.spec)),
      components: this.db.select().from(components).where(eq(components.service, row.name)).all(),
      ports: this.db.select().from(ports).where(eq(ports.service, row.name)).all(),
    };
  }
}
