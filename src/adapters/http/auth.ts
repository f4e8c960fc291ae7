/**
 * Who a request comes from: a session cookie set by signing in (the console), or an API key in
 * `Authorization: Bearer rk_…` (other systems). The cookie is HTTP-only, SameSite=Lax, and
 * Secure when the request came over HTTPS (directly or through a proxy that says so).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { keyCaller, sessionCaller } from '../../app/access/access.ts';
import type { AccessDeps } from '../../app/access/ports.ts';
import type { Authenticator } from './guard.ts';

export const SESSION_COOKIE = 'recoup_session';

export function cookie(req: FastifyRequest, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

const secure = (req: FastifyRequest) =>
  req.protocol === 'https' || req.headers['x-forwarded-proto'] === 'https';

export function setSessionCookie(
  req: FastifyRequest,
  reply: FastifyReply,
  token: string,
  expiresAt: Date,
): void {
  const attrs = [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Expires=${expiresAt.toUTCString()}`,
  ];
  if (secure(req)) attrs.push('Secure');
  reply.header('set-cookie', attrs.join('; '));
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  const attrs = [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0'];
  if (secure(req)) attrs.push('Secure');
  reply.header('set-cookie', attrs.join('; '));
}

/** Sessions and API keys: the authenticator of a running server. */
export function sessionsAndKeys(deps: AccessDeps): Authenticator {
  return async (req) => {
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) {
      const c = await keyCaller(deps, auth.slice('Bearer '.length).trim());
      return c ? { actor: c.actor, csrfToken: null } : null;
    }
    const token = cookie(req, SESSION_COOKIE);
    if (!token) return null;
    const c = await sessionCaller(deps, token);
    return c ? { actor: c.actor, csrfToken: c.csrfToken } : null;
  };
}
