/**
 * Who a request comes from. Until the console's sessions and API keys exist, the caller names
 * itself in two headers: `X-Recoup-User` (an id) and `X-Recoup-Role` (one of the roles). A
 * request without them acts as the read-only analyst, who sees personal data masked. This is
 * the one place that changes when sessions arrive; routes only call `actorOf`.
 */
import type { FastifyRequest } from 'fastify';
import { isRole, type Actor } from '../../domain/access/roles.ts';
import { invalid } from '../../app/shared/errors.ts';

export const ANONYMOUS: Actor = { user: 'anonymous', role: 'analyst' };

export function actorOf(req: FastifyRequest): Actor {
  const user = req.headers['x-recoup-user'];
  const role = req.headers['x-recoup-role'];
  if (user === undefined && role === undefined) return ANONYMOUS;
  if (typeof role !== 'string' || !isRole(role))
    throw invalid('unknown role', [
      { at: 'headers.x-recoup-role', reason: `"${String(role)}" is not a role` },
    ]);
  if (typeof user !== 'string' || user.trim() === '')
    throw invalid('no user', [{ at: 'headers.x-recoup-user', reason: 'is required with a role' }]);
  return { user: user.trim(), role };
}
