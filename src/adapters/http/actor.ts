/**
 * Who a request comes from, for route handlers: the caller the guard established (guard.ts,
 * from a session cookie or an API key). On a route that is not public it is always set.
 */
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/access/roles.ts';
import { AppError } from '../../app/shared/errors.ts';

export function actorOf(req: FastifyRequest): Actor {
  if (req.actor === null) throw new AppError('UNAUTHENTICATED', 'sign in first');
  return req.actor;
}
