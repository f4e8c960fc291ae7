/**
 * Who may call which route. Every route declares, in its options, the roles it allows:
 *
 *   app.get('/things', { config: { roles: READERS }, schema: … }, handler)
 *
 * `roles` is a list of roles (the caller must be signed in, by a session cookie or an API key,
 * in one of them) or `'public'` (no sign-in: the self-service pages, the sign-in itself, the
 * health checks, the console's files). A route that declares nothing is refused when it is
 * registered (buildServer throws), and test/integration/route-guard.test.ts lists every route
 * and fails if one has no declaration. The check itself runs once per request in
 * `installGuard`, before the handler.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ROLES, type Actor, type Role } from '../../domain/access/roles.ts';
import { AppError, forbidden } from '../../app/shared/errors.ts';

export type RouteRoles = readonly Role[] | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The roles allowed to call the route, or 'public'. Required on every route. */
    roles?: RouteRoles;
  }
  interface FastifyRequest {
    /** The signed-in caller (set by the guard; null on a public route without a session). */
    actor: Actor | null;
  }
}

/** Everyone signed in, the read-only analyst included: reading the portfolio and its results. */
export const READERS: readonly Role[] = ROLES;
/** Everyone signed in except the read-only analyst. */
export const STAFF: readonly Role[] = ROLES.filter((r) => r !== 'analyst');
/** Those who run the operation: the people who change strategies, queues and settings. */
export const MANAGERS: readonly Role[] = ['administrator', 'strategy_manager', 'supervisor'];
/** Strategies, experiments, scorecards, templates. */
export const STRATEGY: readonly Role[] = ['administrator', 'strategy_manager'];
/** Supervising the desk: queues, moves, approvals, targets. */
export const SUPERVISORS: readonly Role[] = ['administrator', 'supervisor'];
/** Those who talk to customers and record what happened. */
export const AGENTS: readonly Role[] = ['administrator', 'supervisor', 'collector', 'field_agent'];
/** Compliance: rule sets, the audit log, the audit-trail check. */
export const COMPLIANCE: readonly Role[] = ['administrator', 'compliance_officer'];
export const ADMIN: readonly Role[] = ['administrator'];

/** How a request's caller is established (sessions and API keys; tests may pass their own). */
export type Authenticator = (req: FastifyRequest) => Promise<Actor | null>;

/** Routes that the guard does not own: the API documentation (read-only, no data). */
const UNGUARDED_PREFIXES = ['/docs'];

export const unguarded = (url: string): boolean =>
  UNGUARDED_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`));

/**
 * Refuse routes without a declaration at registration, and check each request's caller
 * against its route's roles. Install before any route is registered.
 */
export function installGuard(app: FastifyInstance, authenticate: Authenticator): void {
  app.decorateRequest('actor', null);
  app.addHook('onRoute', (route) => {
    if (unguarded(route.url)) return;
    const roles = route.config?.roles;
    if (roles === undefined || (roles !== 'public' && roles.length === 0))
      throw new Error(
        `route ${String(route.method)} ${route.url} declares no roles (config.roles)`,
      );
  });
  app.addHook('onRequest', async (req) => {
    if (unguarded(req.url.split('?')[0] ?? '')) return;
    const roles = req.routeOptions.config.roles;
    // the not-found handler has no route: it answers 404 to everyone
    if (roles === undefined) return;
    const actor = await authenticate(req);
    req.actor = actor;
    if (roles === 'public') return;
    if (actor === null) throw new AppError('UNAUTHENTICATED', 'sign in first');
    if (!roles.includes(actor.role))
      throw forbidden(`the ${actor.role} role may not ${req.method} ${req.routeOptions.url}`);
  });
}
