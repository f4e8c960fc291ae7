/**
 * Signing in and out, the signed-in user, users and API keys (administrators), and the audit
 * log with its chain check (compliance).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  createApiKey,
  createUser,
  revokeApiKey,
  setPassword,
  signIn,
  signOut,
  updateUser,
} from '../../../app/access/access.ts';
import type { User } from '../../../app/access/ports.ts';
import { verifyAudit } from '../../../app/audit/audit.ts';
import { AppError, invalid } from '../../../app/shared/errors.ts';
import { isRole } from '../../../domain/access/roles.ts';
import { nodeSecrets, sha256Hex } from '../../crypto/secrets.ts';
import { accessDeps, type Platform } from '../../platform.ts';
import { actorOf } from '../actor.ts';
import { clearSessionCookie, cookie, SESSION_COOKIE, setSessionCookie } from '../auth.ts';
import { ADMIN, COMPLIANCE, READERS } from '../guard.ts';
import { ErrorBody, Nullable } from '../schemas.ts';

const UserBody = Type.Object({
  id: Type.String(),
  username: Type.String(),
  name: Type.String(),
  role: Type.String(),
  locale: Type.String({ description: 'en or zh-CN' }),
  active: Type.Boolean(),
  createdAt: Type.String(),
  lastLoginAt: Nullable(Type.String()),
});

const Me = Type.Object({ user: UserBody, csrfToken: Nullable(Type.String()) });

const presentUser = (u: User) => ({
  id: u.id,
  username: u.username,
  name: u.name,
  role: u.role,
  locale: u.locale,
  active: u.active,
  createdAt: u.createdAt.toISOString(),
  lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
});

const KeyBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String(),
  expiresAt: Nullable(Type.String()),
  revokedAt: Nullable(Type.String()),
  lastUsedAt: Nullable(Type.String()),
});

const AuditEntryBody = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  role: Type.String(),
  action: Type.String(),
  entity: Type.String(),
  entityId: Nullable(Type.String()),
  before: Type.Unknown(),
  after: Type.Unknown(),
  hash: Type.String(),
});

const json = (s: string | null): unknown => (s === null ? null : (JSON.parse(s) as unknown));

export function accessRoutes(p: Platform): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();
    const deps = accessDeps(p);

    app.post(
      '/auth/login',
      {
        config: { roles: 'public' },
        schema: {
          tags: ['access'],
          summary:
            'Sign in: sets an HTTP-only session cookie; the answer carries the CSRF token that every state-changing request must send in X-CSRF-Token',
          body: Type.Object(
            {
              username: Type.String({ minLength: 1, maxLength: 100 }),
              password: Type.String({ minLength: 1, maxLength: 1000 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Me, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
        },
      },
      async (req, reply) => {
        try {
          const s = await signIn(deps, {
            username: req.body.username,
            password: req.body.password,
            ip: req.ip,
            userAgent: req.headers['user-agent'] ?? null,
          });
          setSessionCookie(req, reply, s.token, s.expiresAt);
          return { user: presentUser(s.user), csrfToken: s.csrfToken };
        } catch (e) {
          if (e instanceof AppError && e.code === 'THROTTLED') {
            const retry = e.details.find((d) => d.at === 'retryAfter')?.reason;
            if (retry) void reply.header('retry-after', retry);
          }
          throw e;
        }
      },
    );

    app.get(
      '/auth/me',
      {
        config: { roles: READERS },
        schema: {
          tags: ['access'],
          summary: 'The signed-in user and the session CSRF token',
          response: { 200: Me, 401: ErrorBody },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        const u = await p.access.user(actor.user);
        return {
          user: u
            ? presentUser(u)
            : {
                id: actor.user,
                username: actor.user,
                name: actor.user,
                role: actor.role,
                locale: 'en',
                active: true,
                createdAt: new Date(0).toISOString(),
                lastLoginAt: null,
              },
          csrfToken: req.csrfToken,
        };
      },
    );

    app.patch(
      '/auth/me',
      {
        config: { roles: READERS, audit: false },
        schema: {
          tags: ['access'],
          summary: "The signed-in user's own name and language",
          body: Type.Object(
            {
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
              locale: Type.Optional(Type.String({ description: 'en or zh-CN' })),
            },
            { additionalProperties: false },
          ),
          response: { 200: UserBody, 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (req) => presentUser(await updateUser(deps, actorOf(req), actorOf(req).user, req.body)),
    );

    app.post(
      '/auth/me/password',
      {
        config: { roles: READERS, audit: false },
        schema: {
          tags: ['access'],
          summary: "Change one's own password (ends the other sessions; sign in again)",
          body: Type.Object(
            {
              currentPassword: Type.String({ minLength: 1, maxLength: 1000 }),
              newPassword: Type.String({ minLength: 1, maxLength: 1000 }),
            },
            { additionalProperties: false },
          ),
          response: { 204: Type.Null(), 400: ErrorBody, 401: ErrorBody },
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        const u = await p.access.user(actor.user);
        if (!u)
          throw invalid('API keys have no password', [{ at: 'authorization', reason: 'is a key' }]);
        const withHash = await p.access.userByUsername(u.username);
        const ok =
          withHash?.passwordHash !== null &&
          withHash?.passwordHash !== undefined &&
          (await nodeSecrets.verifyPassword(req.body.currentPassword, withHash.passwordHash));
        if (!ok)
          throw invalid('the current password is wrong', [
            { at: 'body.currentPassword', reason: 'does not match' },
          ]);
        await setPassword(deps, actor, actor.user, req.body.newPassword);
        clearSessionCookie(req, reply);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/auth/logout',
      {
        config: { roles: READERS, audit: false },
        schema: { tags: ['access'], summary: 'Sign out', response: { 204: Type.Null() } },
      },
      async (req, reply) => {
        const token = cookie(req, SESSION_COOKIE);
        if (token) await signOut(deps, token, actorOf(req));
        clearSessionCookie(req, reply);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/users',
      {
        config: { roles: ADMIN },
        schema: {
          tags: ['access'],
          summary: 'Users, by username (paged)',
          querystring: Type.Object({
            after: Type.Optional(
              Type.String({ description: 'The last username of the page before' }),
            ),
            role: Type.Optional(Type.String()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          }),
          response: { 200: Type.Object({ users: Type.Array(UserBody) }), 400: ErrorBody },
        },
      },
      async (req) => {
        const role = req.query.role;
        if (role !== undefined && !isRole(role))
          throw invalid('unknown role', [
            { at: 'querystring.role', reason: `"${role}" is not a role` },
          ]);
        const users = await p.access.users({
          limit: req.query.limit ?? 100,
          ...(req.query.after ? { afterUsername: req.query.after } : {}),
          ...(role ? { role } : {}),
        });
        return { users: users.map(presentUser) };
      },
    );

    app.post(
      '/users',
      {
        config: { roles: ADMIN, audit: false },
        schema: {
          tags: ['access'],
          summary: 'Add a user (a collector or field agent uses their desk id as id)',
          body: Type.Object(
            {
              id: Type.Optional(Type.String()),
              username: Type.String(),
              name: Type.String(),
              role: Type.String(),
              locale: Type.Optional(Type.String()),
              password: Type.Optional(Type.String()),
            },
            { additionalProperties: false },
          ),
          response: { 201: UserBody, 400: ErrorBody, 409: ErrorBody },
        },
      },
      async (req, reply) =>
        reply.code(201).send(presentUser(await createUser(deps, actorOf(req), req.body))),
    );

    app.patch(
      '/users/:id',
      {
        config: { roles: ADMIN, audit: false },
        schema: {
          tags: ['access'],
          summary: "Change a user's name, role, language or access",
          params: Type.Object({ id: Type.String() }),
          body: Type.Object(
            {
              name: Type.Optional(Type.String()),
              role: Type.Optional(Type.String()),
              locale: Type.Optional(Type.String()),
              active: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          response: { 200: UserBody, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
        },
      },
      async (req) => presentUser(await updateUser(deps, actorOf(req), req.params.id, req.body)),
    );

    app.post(
      '/users/:id/password',
      {
        config: { roles: ADMIN, audit: false },
        schema: {
          tags: ['access'],
          summary: "Set a user's password (ends the user's sessions)",
          params: Type.Object({ id: Type.String() }),
          body: Type.Object({ password: Type.String() }, { additionalProperties: false }),
          response: { 204: Type.Null(), 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (req, reply) => {
        await setPassword(deps, actorOf(req), req.params.id, req.body.password);
        return reply.code(204).send(null);
      },
    );

    const presentKey = (k: Awaited<ReturnType<typeof p.access.keys>>[number]) => ({
      id: k.id,
      name: k.name,
      role: k.role,
      createdBy: k.createdBy,
      createdAt: k.createdAt.toISOString(),
      expiresAt: k.expiresAt?.toISOString() ?? null,
      revokedAt: k.revokedAt?.toISOString() ?? null,
      lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    });

    app.get(
      '/api-keys',
      {
        config: { roles: ADMIN },
        schema: {
          tags: ['access'],
          summary: 'API keys for other systems (never their secrets)',
          response: { 200: Type.Object({ keys: Type.Array(KeyBody) }) },
        },
      },
      async () => ({ keys: (await p.access.keys()).map(presentKey) }),
    );

    app.post(
      '/api-keys',
      {
        config: { roles: ADMIN, audit: false },
        schema: {
          tags: ['access'],
          summary:
            'Create an API key acting in a role; the secret (Authorization: Bearer rk_…) is shown once',
          body: Type.Object(
            {
              name: Type.String({ maxLength: 200 }),
              role: Type.String(),
              expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({ key: KeyBody, secret: Type.String() }),
            400: ErrorBody,
          },
        },
      },
      async (req, reply) => {
        const { key, secret } = await createApiKey(deps, actorOf(req), {
          name: req.body.name,
          role: req.body.role,
          ...(req.body.expiresAt ? { expiresAt: new Date(req.body.expiresAt) } : {}),
        });
        return reply.code(201).send({ key: presentKey(key), secret });
      },
    );

    app.delete(
      '/api-keys/:id',
      {
        config: { roles: ADMIN, audit: false },
        schema: {
          tags: ['access'],
          summary: 'Revoke an API key',
          params: Type.Object({ id: Type.String() }),
          response: { 204: Type.Null(), 404: ErrorBody, 409: ErrorBody },
        },
      },
      async (req, reply) => {
        await revokeApiKey(deps, actorOf(req), req.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/audit',
      {
        config: { roles: COMPLIANCE },
        schema: {
          tags: ['audit'],
          summary: 'The audit log, newest first (page back with beforeSeq)',
          querystring: Type.Object({
            entity: Type.Optional(Type.String()),
            entityId: Type.Optional(Type.String()),
            actor: Type.Optional(Type.String()),
            action: Type.Optional(Type.String({ description: 'A prefix, e.g. "user." or "POST"' })),
            beforeSeq: Type.Optional(Type.Integer({ minimum: 1 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          }),
          response: { 200: Type.Object({ entries: Type.Array(AuditEntryBody) }) },
        },
      },
      async (req) => {
        const q = req.query;
        const entries = await p.audit.entries({
          limit: q.limit ?? 100,
          ...(q.entity ? { entity: q.entity } : {}),
          ...(q.entityId ? { entityId: q.entityId } : {}),
          ...(q.actor ? { actor: q.actor } : {}),
          ...(q.action ? { action: q.action } : {}),
          ...(q.beforeSeq ? { beforeSeq: q.beforeSeq } : {}),
        });
        return {
          entries: entries.map((e) => ({
            seq: e.seq,
            at: e.at.toISOString(),
            actor: e.actor,
            role: e.role,
            action: e.action,
            entity: e.entity,
            entityId: e.entityId,
            before: json(e.before),
            after: json(e.after),
            hash: e.hash,
          })),
        };
      },
    );

    app.get(
      '/audit/verify',
      {
        config: { roles: COMPLIANCE },
        schema: {
          tags: ['audit'],
          summary:
            'Recompute the whole chain: the first changed, deleted or inserted entry, and the head to note',
          querystring: Type.Object({
            expectSeq: Type.Optional(Type.Integer({ minimum: 1 })),
            expectHash: Type.Optional(Type.String()),
          }),
          response: {
            200: Type.Object({
              ok: Type.Boolean(),
              checked: Type.Integer(),
              count: Type.Integer(),
              head: Type.Object({ seq: Type.Integer(), hash: Type.String() }),
              broken: Nullable(
                Type.Object({ seq: Type.Integer(), reason: Type.String(), detail: Type.String() }),
              ),
              expectedHeadFound: Nullable(Type.Boolean()),
            }),
          },
        },
      },
      async (req) => {
        const { expectSeq, expectHash } = req.query;
        const v = await verifyAudit(p.audit, sha256Hex, {
          ...(expectSeq && expectHash ? { expect: { seq: expectSeq, hash: expectHash } } : {}),
        });
        const found = v.expectedHead?.found ?? null;
        return {
          ok: v.broken === null && found !== false,
          checked: v.checked,
          count: v.count,
          head: v.head,
          broken: v.broken,
          expectedHeadFound: found,
        };
      },
    );
  };
}
