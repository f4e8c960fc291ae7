/** Configuration from the environment, validated at start with errors that name the variable. */
import { resolve } from 'node:path';
import { isTimeZone } from '../domain/time/zone.ts';

export interface Config {
  /** A PostgreSQL server; when unset the embedded engine is used. */
  databaseUrl: string | undefined;
  /** Schema on the server (default: the server's search path). */
  schema: string | undefined;
  /** Folder of the embedded engine's data. */
  dataDir: string;
  port: number;
  host: string;
  /** The portfolio's business time zone: it decides "today" for the daily cycle. */
  timezone: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const errors: string[] = [];
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    errors.push('DATABASE_URL: must be a postgres:// or postgresql:// URL');
  }
  const schema = env.RECOUP_SCHEMA?.trim() || undefined;
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    errors.push(`RECOUP_SCHEMA: "${schema}" is not a lower-case SQL identifier`);
  }
  const portText = env.PORT?.trim() || '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    errors.push(`PORT: "${portText}" is not a port number`);
  }
  const timezone = env.RECOUP_TIMEZONE?.trim() || 'UTC';
  if (!isTimeZone(timezone)) errors.push(`RECOUP_TIMEZONE: unknown time zone "${timezone}"`);
  if (errors.length > 0) throw new ConfigError(`invalid configuration:\n  ${errors.join('\n  ')}`);
  return {
    databaseUrl,
    schema,
    dataDir: resolve(env.RECOUP_DATA_DIR?.trim() || '.recoup'),
    port,
    host: env.HOST?.trim() || '0.0.0.0',
    timezone,
  };
}
