/**
 * Liveness and readiness for a process manager or a load balancer (both public, no data):
 *
 * - GET /health/live: the process answers HTTP (200 always).
 * - GET /health/ready: 200 when the database answers `SELECT 1` within 2 s and every migration
 *   file of this release is recorded in schema_migrations; 503 with the reason otherwise.
 *
 * GET /health (the console's check, in server.ts) stays as it is.
 */
import type { FastifyPluginAsync } from 'fastify';
import { listMigrations } from '../../storage/migrate.ts';
import { SqlOperationsStore } from '../../storage/operations-store.ts';
import type { Platform } from '../../platform.ts';

export interface HealthOptions {
  /** How long the database may take to answer before the process is not ready (ms). */
  timeoutMs?: number;
}

class Timeout extends Error {}

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout()), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

const label = (v: number) => String(v).padStart(3, '0');

export function healthRoutes(p: Platform, o: HealthOptions = {}): FastifyPluginAsync {
  const timeoutMs = o.timeoutMs ?? 2000;
  const store = new SqlOperationsStore(p.db);
  // this release's migrations, as files: read once
  const expected = listMigrations().map((m) => ({ version: m.version, name: m.name }));
  const schema = { hide: true };
  return async (app) => {
    app.get('/health/live', { config: { roles: 'public' }, schema }, async () => ({
      status: 'live',
    }));

    app.get('/health/ready', { config: { roles: 'public' }, schema }, async (req, reply) => {
      const unready = (reason: string) => reply.code(503).send({ status: 'unready', reason });
      let applied: number[];
      try {
        applied = await within(
          timeoutMs,
          store.ping().then(() => store.appliedMigrations()),
        );
      } catch (e) {
        if (e instanceof Timeout)
          return unready(`the database did not answer within ${timeoutMs / 1000} s`);
        // the cause goes to the log, not to the (public) answer
        req.log.warn({ err: e }, 'readiness: the database did not answer');
        return unready('the database did not answer');
      }
      const have = new Set(applied);
      const missing = expected.filter((m) => !have.has(m.version));
      if (missing.length > 0)
        return unready(
          `migrations not applied: ${missing.map((m) => `${label(m.version)}_${m.name}`).join(', ')}`,
        );
      return { status: 'ready', migrations: expected.length };
    });
  };
}
