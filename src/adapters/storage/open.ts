/** Chooses the engine: a PostgreSQL server when a URL is given, otherwise embedded PGlite. */
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import type { Database } from './sql-client.ts';

export interface StorageConfig {
  /** `postgres://...`; when absent the embedded engine is used. */
  databaseUrl?: string | undefined;
  /** Folder of the embedded engine; absent means in memory. */
  dataDir?: string | undefined;
  /** Schema for the server engine (tests use one schema each). */
  schema?: string | undefined;
}

export async function openDatabase(config: StorageConfig): Promise<Database> {
  if (config.databaseUrl) {
    const db = await openPostgres(config.databaseUrl, config.schema);
    if (config.schema) await db.query(`CREATE SCHEMA IF NOT EXISTS "${config.schema}"`);
    return db;
  }
  return openPglite(config.dataDir);
}

/** Opens the database and brings its schema up to date. */
export async function openMigrated(config: StorageConfig): Promise<Database> {
  const db = await openDatabase(config);
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}
