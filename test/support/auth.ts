/**
 * For API tests that are not about signing in: the caller names itself in two headers,
 * `x-recoup-user` and `x-recoup-role`, and a request without them acts as an administrator.
 * Only tests pass this authenticator to buildServer; a running server knows only sessions and
 * API keys (test/integration/access.test.ts tests those). The route guard still checks every
 * route's roles against the role named here.
 */
import { isRole } from '../../src/domain/access/roles.ts';
import type { Authenticator } from '../../src/adapters/http/guard.ts';
import type { ServerOptions } from '../../src/adapters/http/server.ts';

export const headerAuth: Authenticator = async (req) => {
  const user = req.headers['x-recoup-user'];
  const role = req.headers['x-recoup-role'];
  if (user === undefined && role === undefined)
    return { actor: { user: 'test-admin', role: 'administrator' }, csrfToken: null };
  if (typeof role !== 'string' || !isRole(role)) return null;
  if (typeof user !== 'string' || user.trim() === '') return null;
  return { actor: { user: user.trim(), role }, csrfToken: null };
};

export const testServer: ServerOptions = { authenticate: headerAuth };
