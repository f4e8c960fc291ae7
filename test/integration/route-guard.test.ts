/**
 * Every route declares the roles it allows. The server refuses to start with a route that
 * declares none, and this test lists every route of the running server and checks each one's
 * declaration, and that the public routes are exactly the ones meant to be public.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/adapters/http/server.ts';
import { installGuard } from '../../src/adapters/http/guard.ts';
import { isRole, ROLES } from '../../src/domain/access/roles.ts';
import { testServer } from '../support/auth.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { ENGINE, openTestPlatform } from '../support/platform.ts';

/** Customers' pages and links, the sign-in, the gateways' callbacks, health, the console. */
const PUBLIC = [
  'GET /health',
  'GET /health/live',
  'GET /health/ready',
  'POST /api/auth/login',
  'GET /api/channels/kannel/dlr',
  'GET /api/channels/kannel/inbound',
  'GET /preferences/:key',
  'POST /preferences/:key',
  'GET /s/:token',
  'GET /s/:token/plan',
  'POST /s/:token/plan',
  'POST /s/:token/promise',
  'POST /s/:token/preferences',
  'POST /s/:token/statement',
  'POST /s/:token/payment',
  'GET /api/self-service/:token',
];
/** The console's files (present when it has been built). */
const CONSOLE = /^(GET|HEAD) \/(\*|assets\/\*|index\.html)?$/;

describe(`route guard (${ENGINE})`, () => {
  let p: Platform;
  let routes: { method: string; url: string; roles: readonly string[] | 'public' }[];
  beforeAll(async () => {
    p = await openTestPlatform();
    const app = await buildServer(p);
    await app.ready();
    routes = app.declaredRoutes;
    await app.close();
  });
  afterAll(async () => p.close());

  it('every route declares roles that exist', () => {
    expect(routes.length).toBeGreaterThan(100);
    for (const r of routes) {
      expect(r.roles, `${r.method} ${r.url}`).toBeDefined();
      if (r.roles !== 'public') {
        expect(r.roles.length, `${r.method} ${r.url}`).toBeGreaterThan(0);
        for (const role of r.roles)
          expect(isRole(role), `${r.method} ${r.url}: ${role}`).toBe(true);
      }
    }
  });

  it('only the routes meant to be public are public', () => {
    const open = routes
      .filter((r) => r.roles === 'public' && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`)
      .filter((r) => !CONSOLE.test(r));
    expect(open.sort()).toEqual([...PUBLIC].sort());
  });

  it('no route that changes something is open to the read-only analyst, sign-in aside', () => {
    const changes = routes.filter(
      (r) =>
        !['GET', 'HEAD'].includes(r.method) && r.roles !== 'public' && r.roles.includes('analyst'),
    );
    // validating and previewing change nothing; one's own session and password are one's own
    expect(changes.map((r) => `${r.method} ${r.url}`).sort()).toEqual(
      [
        'PATCH /api/auth/me',
        'POST /api/auth/logout',
        'POST /api/auth/me/password',
        'POST /api/strategies/validate',
        'POST /api/strategies/:strategyId/versions/:version/simulate',
        'POST /api/templates/check',
        'POST /api/templates/preview',
      ].sort(),
    );
  });

  it("only administrators erase a customer's personal data; only they and compliance read the audit log", async () => {
    const roles = (key: string) =>
      routes.find((r) => `${r.method} ${r.url}` === key)?.roles as readonly string[];
    expect(roles('POST /api/customers/:id/erase')).toEqual(['administrator']);
    for (const key of ['GET /api/audit', 'GET /api/audit/verify'])
      expect([...roles(key)].sort(), key).toEqual(['administrator', 'compliance_officer']);
    const app = await buildServer(p, testServer);
    for (const role of ROLES.filter((r) => r !== 'administrator')) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/customers/C1/erase',
        headers: { 'x-recoup-user': 'someone', 'x-recoup-role': role },
        payload: { reason: 'a request' },
      });
      expect(r.statusCode, role).toBe(403);
    }
    // an administrator passes the guard: there is no such customer here
    const r = await app.inject({
      method: 'POST',
      url: '/api/customers/C1/erase',
      payload: { reason: 'a request' },
    });
    expect(r.statusCode).toBe(404);
    await app.close();
  });

  it('a route without roles is refused when it is registered', async () => {
    const app = Fastify();
    installGuard(app, async () => null);
    app.get('/ok', { config: { roles: ['analyst'] } }, async () => 'ok');
    expect(() => app.get('/missing', async () => 'no roles')).toThrow(
      'route GET /missing declares no roles',
    );
    await app.ready();
    expect(app.declaredRoutes.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /ok', 'HEAD /ok']);
    await app.close();
  });
});
