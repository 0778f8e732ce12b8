// Opens the agent's SQLite registry: WAL journal, foreign keys on, migrations applied at start.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';

import * as schema from './schema.js';

export type Registry = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Default place of the migrations: the package's `drizzle/` folder. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Opens (creating when absent) `<stateDir>/agent.db` and brings its schema up to date. */
export function openRegistry(stateDir: string, migrationsDir = MIGRATIONS_DIR): Registry {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const client = new Database(join(stateDir, 'agent.db'));
  client.pragma('journal_mode = WAL');
  client.pragma('foreign_keys = ON');
  client.pragma('busy_timeout = 5000');
  const db = drizzle(client, { schema });
  migrate(db, { migrationsFolder: migrationsDir });
  return db;
}

export { schema };
