/**
 * Operations: liveness and readiness (the database answering, the migrations applied), the
 * Prometheus metrics behind an API key, and the request log with customer searches masked.
 */
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/access/access.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import { installGuard } from '../../src/adapters/http/guard.ts';
import { healthRoutes } from '../../src/adapters/http/routes/health.ts';
import { createLogger } from '../../src/adapters/log.ts';
import { listMigrations } from '../../src/adapters/storage/migrate.ts';
import { accessDeps, type Platform } from '../../src/adapters/platform.ts';
import { ENGINE, openTestPlatform } from '../support/platform.ts';
import { testServer } from '../support/auth.ts';

const admin = { user: 'test-admin', role: 'administrator' as const };

describe(`operations endpoints (${ENGINE})`, () => {
  let p: Platform;
  beforeAll(async () => {
    p = await openTestPlatform();
  });
  afterAll(async () => p.close());

  it('is live, and ready when the database answers and every migration is applied', async () => {
    const app = await buildServer(p, testServer);
    const live = await app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'live' });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode, ready.body).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready' });
    expect(ready.json().migrations).toBe(listMigrations().length);
    // the console's check is unchanged
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    await app.close();
  });

  it('is not ready while a migration is missing', async () => {
    const app = await buildServer(p, testServer);
    const row = await p.db.query<{ name: string }>(
      'DELETE FROM schema_migrations WHERE version = 20 RETURNING name',
    );
    try {
      const r = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toEqual({
        status: 'unready',
        reason: 'migrations not applied: 020_operations_indexes',
      });
    } finally {
      await p.db.query('INSERT INTO schema_migrations (version, name) VALUES (20, $1)', [
        row.rows[0]!.name,
      ]);
      await app.close();
    }
  });

  it('is not ready when the database does not answer within the time allowed', async () => {
    const stuck = { db: { query: () => new Promise(() => {}) } } as unknown as Platform;
    const app = Fastify();
    installGuard(app, async () => null);
    await app.register(healthRoutes(stuck, { timeoutMs: 50 }));
    const r = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toEqual({
      status: 'unready',
      reason: 'the database did not answer within 0.05 s',
    });
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    await app.close();
  });

  it('serves Prometheus metrics to an API key of an administrator or analyst, to no one else', async () => {
    // the running server's authenticator: sessions and API keys
    const app = await buildServer(p);
    const key = async (role: string) =>
      (await createApiKey(accessDeps(p), admin, { name: `scraper-${role}`, role })).secret;
    await p.jobs.enqueue([{ kind: 'dispatch', key: 'ops-test', runAt: new Date() }]);
    await app.inject({ method: 'GET', url: '/health' });
    await app.inject({ method: 'GET', url: '/no/such/page' });

    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const collector = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${await key('collector')}` },
    });
    expect(collector.statusCode).toBe(403);

    for (const role of ['analyst', 'administrator']) {
      const r = await app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${await key(role)}` },
      });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = r.body;
      expect(text).toMatch(
        /^http_request_duration_seconds_count\{method="GET",route="\/health",status_code="200"\} \d+$/m,
      );
      expect(text).toMatch(/route="unmatched",status_code="404"/);
      expect(text).toContain('recoup_queue_jobs{kind="dispatch",state="pending"} 1');
      expect(text).toContain('# TYPE recoup_dispatches_today gauge');
      expect(text).toContain('# TYPE recoup_compliance_blocks_today gauge');
      expect(text).toContain('# TYPE recoup_cycle_last_duration_seconds gauge');
      expect(text).toContain('recoup_database_up 1');
      expect(text).toContain('process_cpu_user_seconds_total');
      expect(text).toContain('nodejs_eventloop_lag_seconds');
    }
    await app.close();
  });

  it('counts each server apart: two servers in one process keep their own registries', async () => {
    const a = await buildServer(p, testServer);
    const b = await buildServer(p, testServer);
    await a.inject({ method: 'GET', url: '/health/live' });
    const text = (await b.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).not.toContain('route="/health/live"');
    await a.close();
    await b.close();
  });

  it('logs each request as a JSON line of component http, with customer searches masked', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l));
        done();
      },
    });
    const app = await buildServer(p, { ...testServer, logger: createLogger('info', sink) });
    await app.inject({ method: 'GET', url: '/api/customers?q=Zhang%20Wei' });
    await app.close();
    const incoming = lines.find((l) => l.msg === 'incoming request');
    expect(incoming).toMatchObject({ level: 'info', component: 'http', req: { method: 'GET' } });
    const url = (incoming!.req as { url: string }).url;
    expect(url).toMatch(/^\/api\/customers\?q=/);
    expect(decodeURIComponent(url)).not.toContain('Zhang Wei');
    expect(lines.find((l) => l.msg === 'request completed')).toMatchObject({
      component: 'http',
      res: { statusCode: 200 },
    });
    expect(JSON.stringify(lines)).not.toContain('Wei');
  });

  it('answers 503 on readiness once the database is closed, and stays live', async () => {
    const q = await openTestPlatform();
    const app = await buildServer(q, testServer);
    await q.close();
    const r = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toEqual({ status: 'unready', reason: 'the database did not answer' });
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    const m = await app.inject({ method: 'GET', url: '/metrics' });
    expect(m.statusCode).toBe(200);
    expect(m.body).toContain('recoup_database_up 0');
    await app.close();
  });
});
