/**
 * Signing in, sessions, CSRF, throttling, API keys and the audit log through the HTTP API as
 * a running server has it (sessions and keys, no test authenticator), on both engines.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/app/access/access.ts';
import { verifyAudit } from '../../src/app/audit/audit.ts';
import { sha256Hex } from '../../src/adapters/crypto/secrets.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import { accessDeps, type Platform } from '../../src/adapters/platform.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const PASSWORD = 'correct horse battery';

describe(`sign-in, roles and the audit log (${ENGINE})`, () => {
  let p: Platform;
  let app: FastifyInstance;
  const clock = fixedClock('2026-12-01T09:00:00Z');

  const signIn = async (username: string, password = PASSWORD, ip = '10.0.0.1') => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password },
      remoteAddress: ip,
    });
    const cookie = String(r.headers['set-cookie'] ?? '').split(';')[0] ?? '';
    return { r, cookie, csrf: r.statusCode === 200 ? (r.json().csrfToken as string) : '' };
  };

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    const deps = accessDeps(p);
    const admin = { user: 'setup', role: 'administrator' } as const;
    for (const [id, role] of [
      ['ada', 'administrator'],
      ['sue', 'supervisor'],
      ['ann', 'analyst'],
      ['collector-1', 'collector'],
    ] as const)
      await createUser(deps, admin, { id, username: id, name: id, role, password: PASSWORD });
    app = await buildServer(p);
  });
  afterAll(async () => {
    await app.close();
    await p.close();
  });

  it('refuses a call without a session or key, and a wrong password', async () => {
    const none = await app.inject({ url: '/api/workspace/policy' });
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('UNAUTHENTICATED');
    const wrong = await signIn('sue', 'not the password');
    expect(wrong.r.statusCode).toBe(401);
    const unknown = await signIn('nobody');
    expect(unknown.r.statusCode).toBe(401);
    expect(unknown.r.json().message).toBe(wrong.r.json().message);
  });

  it('signs in with an HTTP-only cookie and demands the CSRF token on changes', async () => {
    const { r, cookie, csrf } = await signIn('sue');
    expect(r.statusCode).toBe(200);
    expect(r.json().user).toMatchObject({ id: 'sue', role: 'supervisor' });
    const set = String(r.headers['set-cookie']);
    expect(set).toMatch(/^recoup_session=[\w-]{40,};/);
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Lax');
    // the token is not stored: only its digest
    const stored = await p.db.query<{ token_hash: string }>('SELECT token_hash FROM sessions');
    expect(stored.rows.map((s) => s.token_hash)).not.toContain(cookie.split('=')[1]);

    const me = await app.inject({ url: '/api/auth/me', headers: { cookie } });
    expect(me.json()).toMatchObject({ user: { username: 'sue' }, csrfToken: csrf });
    const policy = (await app.inject({ url: '/api/workspace/policy', headers: { cookie } })).json();
    const change = { ...policy, lockMinutes: policy.lockMinutes + 5 };
    const noCsrf = await app.inject({
      method: 'PUT',
      url: '/api/workspace/policy',
      headers: { cookie },
      payload: change,
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().message).toContain('X-CSRF-Token');
    const withCsrf = await app.inject({
      method: 'PUT',
      url: '/api/workspace/policy',
      headers: { cookie, 'x-csrf-token': csrf },
      payload: change,
    });
    expect(withCsrf.statusCode).toBe(200);

    // the change is in the audit log: who, what, and what was sent
    const [entry] = await p.audit.entries({ limit: 1, action: 'PUT' });
    expect(entry).toMatchObject({
      actor: 'sue',
      role: 'supervisor',
      action: 'PUT /api/workspace/policy',
      entity: 'workspace',
    });
    expect(JSON.parse(entry!.after!)).toMatchObject({
      status: 200,
      request: { lockMinutes: change.lockMinutes },
    });
    // before: the policy as it was read from the same address
    expect(JSON.parse(entry!.before!)).toMatchObject({ lockMinutes: policy.lockMinutes });

    const out = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(out.statusCode).toBe(204);
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it("checks the route's roles: the analyst reads, a collector does not supervise", async () => {
    const ann = await signIn('ann');
    expect(
      (await app.inject({ url: '/api/strategies', headers: { cookie: ann.cookie } })).statusCode,
    ).toBe(200);
    const put = await app.inject({
      method: 'PUT',
      url: '/api/workspace/policy',
      headers: { cookie: ann.cookie, 'x-csrf-token': ann.csrf },
      payload: {},
    });
    expect(put.statusCode).toBe(403);
    expect(put.json().message).toContain('analyst');
    const col = await signIn('collector-1');
    expect(
      (await app.inject({ url: '/api/queues', headers: { cookie: col.cookie } })).statusCode,
    ).toBe(403);
    expect(
      (await app.inject({ url: '/api/users', headers: { cookie: col.cookie } })).statusCode,
    ).toBe(403);
  });

  it('throttles sign-in after five failures, for the right password too, for 15 minutes', async () => {
    for (let i = 0; i < 5; i++)
      expect((await signIn('ada', 'wrong password', '10.0.0.7')).r.statusCode).toBe(401);
    const locked = await signIn('ada', PASSWORD, '10.0.0.7');
    expect(locked.r.statusCode).toBe(429);
    expect(locked.r.headers['retry-after']).toBe('900');
    clock.set('2026-12-01T09:15:01Z');
    expect((await signIn('ada', PASSWORD, '10.0.0.7')).r.statusCode).toBe(200);
  });

  it('API keys: shown once, act in their role without CSRF, stop when revoked', async () => {
    const ada = await signIn('ada');
    const made = await app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: { cookie: ada.cookie, 'x-csrf-token': ada.csrf },
      payload: { name: 'core banking', role: 'supervisor' },
    });
    expect(made.statusCode).toBe(201);
    const { key, secret } = made.json() as { key: { id: string }; secret: string };
    expect(secret).toMatch(/^rk_/);
    const auth = { authorization: `Bearer ${secret}` };
    const policy = await app.inject({ url: '/api/workspace/policy', headers: auth });
    expect(policy.statusCode).toBe(200);
    const put = await app.inject({
      method: 'PUT',
      url: '/api/workspace/policy',
      headers: auth,
      payload: policy.json(),
    });
    expect(put.statusCode).toBe(200);
    expect(
      (
        await app.inject({
          url: '/api/workspace/policy',
          headers: { authorization: `${auth.authorization}x` },
        })
      ).statusCode,
    ).toBe(401);
    const listed = await app.inject({ url: '/api/api-keys', headers: { cookie: ada.cookie } });
    expect(JSON.stringify(listed.json())).not.toContain(secret.slice(12));
    await app.inject({
      method: 'DELETE',
      url: `/api/api-keys/${key.id}`,
      headers: { cookie: ada.cookie, 'x-csrf-token': ada.csrf },
    });
    expect((await app.inject({ url: '/api/workspace/policy', headers: auth })).statusCode).toBe(
      401,
    );
  });

  it('keeps the last administrator', async () => {
    const ada = await signIn('ada');
    const r = await app.inject({
      method: 'PATCH',
      url: '/api/users/ada',
      headers: { cookie: ada.cookie, 'x-csrf-token': ada.csrf },
      payload: { role: 'analyst' },
    });
    expect(r.statusCode).toBe(409);
  });

  it('the audit log verifies, is append-only, and shows to compliance', async () => {
    const v = await verifyAudit(p.audit, sha256Hex);
    expect(v.broken).toBeNull();
    expect(v.checked).toBe(v.count);
    expect(v.count).toBeGreaterThan(10);
    await expect(p.db.query('DELETE FROM audit_log WHERE seq = 1')).rejects.toThrow(/append-only/);
    const ada = await signIn('ada');
    const verify = await app.inject({ url: '/api/audit/verify', headers: { cookie: ada.cookie } });
    expect(verify.json()).toMatchObject({ ok: true, broken: null });
    const failed = await app.inject({
      url: '/api/audit?action=auth.sign_in_failed',
      headers: { cookie: ada.cookie },
    });
    expect(failed.json().entries.length).toBeGreaterThanOrEqual(7);
    const sue = await signIn('sue');
    expect(
      (await app.inject({ url: '/api/audit', headers: { cookie: sue.cookie } })).statusCode,
    ).toBe(403);
  });
});
