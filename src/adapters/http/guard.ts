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

/** How a state-changing route is written to the audit log (see audit-hook.ts). */
export interface RouteAudit {
  /** Default: `METHOD /api/path/:param`. */
  action?: string;
  /** Default: the first segment of the path after /api. */
  entity?: string;
  /** Default: the `id` path parameter. */
  entityId?: (req: FastifyRequest) => string | null;
  /** The entity as it was before the change, loaded after validation and before the handler. */
  before?: (req: FastifyRequest) => Promise<unknown>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The roles allowed to call the route, or 'public'. Required on every route. */
    roles?: RouteRoles;
    /**
     * How a state-changing call is written to the audit log; `false` for work-flow calls whose
     * own records keep them (a collector taking the next task is kept in the task's events).
     */
    audit?: RouteAudit | false;
  }
  interface FastifyInstance {
    /** Every route registered with its declared roles (the route-guard test reads it). */
    declaredRoutes: { method: string; url: string; roles: RouteRoles }[];
  }
  interface FastifyRequest {
    /** The signed-in caller (set by the guard; null on a public route without a session). */
    actor: Actor | null;
    /** The session's CSRF token when the caller came by a session cookie. */
    csrfToken: string | null;
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
/** Those who oversee the whole operation, read-only analysts included; not the front line. */
export const OVERSIGHT: readonly Role[] = [
  'administrator',
  'strategy_manager',
  'supervisor',
  'compliance_officer',
  'analyst',
];
/** Performance, incentives and training: those who oversee them, and collectors (their own). */
export const PERFORMANCE_READERS: readonly Role[] = [...OVERSIGHT, 'collector'];
/** Who takes calls from the desk. */
export const DESK: readonly Role[] = ['administrator', 'supervisor', 'collector'];
/** Who records contact preferences, opt-outs and do-not-contact. */
export const CONTACT_RULES: readonly Role[] = [...AGENTS, 'compliance_officer'];

/**
 * How a request's caller is established (sessions and API keys; tests may pass their own).
 * `csrfToken` is set when the caller came by a session cookie: then every state-changing
 * request must echo it in the X-CSRF-Token header.
 */
export type Authenticator = (
  req: FastifyRequest,
) => Promise<{ actor: Actor; csrfToken: string | null } | null>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

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
  app.decorateRequest('csrfToken', null);
  const declared: FastifyInstance['declaredRoutes'] = [];
  app.decorate('declaredRoutes', declared);
  app.addHook('onRoute', (route) => {
    if (unguarded(route.url)) return;
    const roles = route.config?.roles;
    if (roles === undefined || (roles !== 'public' && roles.length === 0))
      throw new Error(
        `route ${String(route.method)} ${route.url} declares no roles (config.roles)`,
      );
    for (const method of [route.method].flat()) declared.push({ method, url: route.url, roles });
    // the roles appear in the API documentation
    if (route.schema) {
      const who = roles === 'public' ? 'public (no sign-in)' : roles.join(', ');
      const schema = route.schema as { description?: string };
      schema.description = `${schema.description ? `${schema.description}\n\n` : ''}Roles: ${who}.`;
    }
  });
  app.addHook('onRequest', async (req) => {
    if (unguarded(req.url.split('?')[0] ?? '')) return;
    const roles = req.routeOptions.config.roles;
    // the not-found handler has no route: it answers 404 to everyone
    if (roles === undefined) return;
    const caller = await authenticate(req);
    req.actor = caller?.actor ?? null;
    req.csrfToken = caller?.csrfToken ?? null;
    if (roles === 'public') return;
    if (caller === null) throw new AppError('UNAUTHENTICATED', 'sign in first');
    const actor = caller.actor;
    if (caller.csrfToken !== null && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (sent !== caller.csrfToken)
        throw forbidden('the X-CSRF-Token header is missing or does not match the session');
    }
    if (!roles.includes(actor.role))
      throw forbidden(`the ${actor.role} role may not ${req.method} ${req.routeOptions.url}`);
  });
}
