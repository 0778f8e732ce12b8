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

/**
 * Where the SQLite addon and the migrations come from when they are not in the package's place:
 * the single executable artifact of `@mcp/release` writes both out at start and sets them here.
 */
export interface RegistryAssets {
  /** The loaded better-sqlite3 addon (`process.dlopen` exports); default: found by `bindings`. */
  nativeBinding?: object;
  /** The drizzle migrations folder; default {@link MIGRATIONS_DIR}. */
  migrationsDir?: string;
}

let assets: RegistryAssets = {};

/** Sets the {@link RegistryAssets} every later {@link openRegistry} uses. */
export function useRegistryAssets(next: RegistryAssets): void {
  assets = next;
}

/** Opens (creating when absent) `<stateDir>/agent.db` and brings its schema up to date. */
export function openRegistry(
  stateDir: string,
  migrationsDir = assets.migrationsDir ?? MIGRATIONS_DIR,
): Registry {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  // The typings allow a path only; better-sqlite3 also takes the addon itself (lib/database.js).
  const nativeBinding = assets.nativeBinding as string | undefined;
  const client = new Database(join(stateDir, 'agent.db'), { nativeBinding });
  client.pragma('journal_mode = WAL');
  client.pragma('foreign_keys = ON');
  client.pragma('busy_timeout = 5000');
  const db = drizzle(client, { schema });
  migrate(db, { migrationsFolder: migrationsDir });
  return db;
}

export { schema };
