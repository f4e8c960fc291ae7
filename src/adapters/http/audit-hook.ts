/**
 * Every successful state-changing call to the API is written to the audit log: who (the
 * signed-in user or key and its role), what (the route, or the action the route names), on
 * what (the entity and its id), when, the entity before (when the route says how to load it)
 * and after (what was sent and what came back, secrets redacted). Use cases that record more
 * precisely (signing in, views of personal data, user changes) write their own entries.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditLog } from '../../app/audit/ports.ts';
import type { Clock } from '../../app/shared/clock.ts';

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The caller's credentials, passed on to the read that gives `before`. */
const FORWARDED = ['cookie', 'authorization', 'x-recoup-user', 'x-recoup-role'];
/** Responses larger than this are recorded by their size only. */
const MAX_RECORDED = 32_000;

declare module 'fastify' {
  interface FastifyRequest {
    auditBefore?: unknown;
  }
}

const pathOf = (req: FastifyRequest) => req.routeOptions.url ?? req.url.split('?')[0] ?? '';

function entityOf(path: string): string {
  const parts = path.split('/').filter((s) => s !== '' && s !== 'api' && !s.startsWith(':'));
  return parts[0] ?? 'api';
}

function parsed(payload: unknown): unknown {
  if (typeof payload !== 'string') return null;
  if (payload.length > MAX_RECORDED) return { bytes: payload.length };
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return { bytes: payload.length };
  }
}

export function installAuditHook(app: FastifyInstance, log: AuditLog, clock: Clock): void {
  app.addHook('preHandler', async (req) => {
    const audit = req.routeOptions.config.audit;
    if (!CHANGES.has(req.method) || audit === false || req.actor === null) return;
    if (audit?.before) {
      req.auditBefore = await audit.before(req);
      return;
    }
    // a setting replaced or changed where it is also read: before is what reading gave
    const url = req.routeOptions.url;
    if (
      (req.method === 'PUT' || req.method === 'PATCH') &&
      url &&
      app.hasRoute({ method: 'GET', url })
    ) {
      const headers: Record<string, string> = {};
      for (const h of FORWARDED) {
        const v = req.headers[h];
        if (typeof v === 'string') headers[h] = v;
      }
      const r = await app.inject({ method: 'GET', url: req.url, headers });
      if (r.statusCode === 200) req.auditBefore = parsed(r.body);
    }
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const audit = req.routeOptions.config.audit;
    if (!CHANGES.has(req.method) || audit === false || req.actor === null) return payload;
    if (reply.statusCode < 200 || reply.statusCode >= 300) return payload;
    if (req.routeOptions.config.roles === 'public' || req.routeOptions.config.roles === undefined)
      return payload;
    const path = pathOf(req);
    const params = (req.params ?? {}) as Record<string, unknown>;
    await log.append([
      {
        at: clock.now(),
        actor: req.actor.user,
        role: req.actor.role,
        action: audit?.action ?? `${req.method} ${path}`,
        entity: audit?.entity ?? entityOf(path),
        entityId: audit?.entityId
          ? audit.entityId(req)
          : params.id !== undefined
            ? String(params.id)
            : null,
        before: req.auditBefore ?? null,
        after: {
          status: reply.statusCode,
          ...(Object.keys(params).length > 0 ? { params } : {}),
          ...(req.query && Object.keys(req.query).length > 0 ? { query: req.query } : {}),
          ...(req.body !== undefined && req.body !== null ? { request: req.body } : {}),
          response: parsed(payload),
        },
      },
    ]);
    return payload;
  });
}
