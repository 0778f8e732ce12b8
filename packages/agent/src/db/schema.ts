// The agent's registry: what it deployed, which containers belong to it, which ports it holds.
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One row per deployed service; `spec` is the ServiceSpec as proto JSON. */
export const services = sqliteTable('services', {
  name: text('name').primaryKey(),
  spec: text('spec').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull(),
  deployedAt: integer('deployed_at').notNull(),
});

/** One row per component container. */
export const components = sqliteTable(
  'components',
  {
    service: text('service')
      .notNull()
      .references(() => services.name, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    image: text('image').notNull(),
    containerId: text('container_id').notNull(),
    containerName: text('container_name').notNull(),
  },
  (t) => [primaryKey({ columns: [t.service, t.name] })],
);

/** One row per host port held for a route. */
export const ports = sqliteTable('ports', {
  hostPort: integer('host_port').primaryKey(),
  service: text('service')
    .notNull()
    .references(() => services.name, { onDelete: 'cascade' }),
  component: text('component').notNull(),
  route: text('route').notNull(),
  listenerPort: integer('listener_port').notNull(),
  mode: integer('mode').notNull(),
  hostname: text('hostname').notNull(),
  public: integer('public', { mode: 'boolean' }).notNull(),
});
