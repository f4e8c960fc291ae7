/**
 * Collectors and field agents see only their own tasks and the customers behind them. Before
 * a handler runs, a route that names a customer, an account, a task, a plan, a promise or a
 * dispatch in its path is checked against the caller's work (scope-store.ts); lists are
 * narrowed to the caller (their tasks, their promises, their customers in a search). Other
 * roles see the whole portfolio, within what their route roles allow.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Role } from '../../domain/access/roles.ts';
import { AppError } from '../../app/shared/errors.ts';
import type { ScopeTarget, SqlScopeStore } from '../storage/scope-store.ts';

export const FRONT_LINE: ReadonlySet<Role> = new Set(['collector', 'field_agent']);

const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));

/** What a route's path names, by its pattern and parameters. */
function targetOf(url: string, params: Record<string, unknown>): ScopeTarget | null {
  const m =
    /^\/api\/(customers|accounts|tasks|desk\/tasks|plans|promises|dispatches|letters)\/:(\w+)/.exec(
      url,
    );
  if (!m) return null;
  const value = params[m[2]!];
  if (value === undefined) return null;
  switch (m[1]) {
    case 'customers':
      return { customer: String(value) };
    case 'accounts':
      return { account: String(value) };
    case 'tasks':
    case 'desk/tasks':
      return { task: num(value) };
    case 'plans':
      return { plan: num(value) };
    case 'promises':
      return { promise: num(value) };
    default:
      return { dispatch: num(value) };
  }
}

/** Lists whose query names the person: forced to the caller. */
const OWN_LIST: Record<string, string> = {
  '/api/tasks': 'assignee',
  '/api/promises': 'madeBy',
  '/api/performance': 'collector',
  '/api/incentives/statements': 'collector',
  '/api/incentives/statements.csv': 'collector',
  '/api/training/status': 'collector',
  '/api/training/completions': 'collector',
};

export function installScope(app: FastifyInstance, scope: SqlScopeStore): void {
  app.addHook('preHandler', async (req: FastifyRequest) => {
    const actor = req.actor;
    if (actor === null || !FRONT_LINE.has(actor.role)) return;
    const url = req.routeOptions.url ?? '';
    const own = OWN_LIST[url];
    if (own && req.method === 'GET') {
      (req.query as Record<string, unknown>)[own] = actor.user;
      return;
    }
    // the customer the route's path names (a contact preference names it by customerId)
    const params = (req.params ?? {}) as Record<string, unknown>;
    const target =
      params.customerId !== undefined
        ? { customer: String(params.customerId) }
        : targetOf(url.replace(/\.pdf$/, ''), params);
    if (target === null) return;
    if (!(await scope.worksOn(actor.user, target)))
      throw new AppError('FORBIDDEN', 'this is not among your tasks or accounts');
  });
}
