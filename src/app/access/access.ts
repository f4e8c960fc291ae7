/**
 * Signing in and out, sessions, API keys and the users themselves. Passwords are hashed by the
 * Secrets port (scrypt); only digests of session tokens and key secrets are stored, so a copy
 * of the database opens no session. Every change is written to the audit log.
 */
import {
  DEFAULT_AUTH_POLICY,
  passwordProblems,
  sessionExpiry,
  throttle,
  type AuthPolicy,
} from '../../domain/access/auth.ts';
import { isRole, type Actor, type Role } from '../../domain/access/roles.ts';
import type { AuditRecord } from '../../domain/audit/chain.ts';
import { AppError, forbidden, invalid, notFound, type ErrorDetail } from '../shared/errors.ts';
import { LOCALES, type AccessDeps, type ApiKey, type Locale, type User } from './ports.ts';

export interface SignedIn {
  /** The session token for the cookie (shown once, stored only as a digest). */
  token: string;
  csrfToken: string;
  expiresAt: Date;
  user: User;
}

/** Who is calling, as the HTTP adapter needs it. */
export interface Caller {
  actor: Actor;
  /** Set for a session: the token every state-changing request must echo. */
  csrfToken: string | null;
  user: User | null;
  via: 'session' | 'key';
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$/;
const KEY_PREFIX = 'rk_';
/** A password hash of nothing, compared against when the username is unknown (same timing). */
let dummyHash: string | null = null;

const audit = (
  deps: AccessDeps,
  actor: Actor | { user: string; role: string },
  action: string,
  entity: string,
  entityId: string | null,
  before: unknown,
  after: unknown,
): Promise<unknown> =>
  deps.audit.append([
    {
      at: deps.clock.now(),
      actor: actor.user,
      role: actor.role,
      action,
      entity,
      entityId,
      before,
      after,
    } satisfies AuditRecord,
  ]);

export async function signIn(
  deps: AccessDeps,
  input: { username: string; password: string; ip: string; userAgent: string | null },
  policy: AuthPolicy = DEFAULT_AUTH_POLICY,
): Promise<SignedIn> {
  const now = deps.clock.now();
  const username = input.username.trim();
  const since = new Date(now.getTime() - policy.windowMinutes * 60_000);
  const recent = await deps.access.attempts(username, input.ip, since);
  const gate = throttle(recent.byUser, recent.byAddress, now, policy);
  if (!gate.allowed) {
    const seconds = Math.ceil((gate.retryAt.getTime() - now.getTime()) / 1000);
    throw new AppError('THROTTLED', `too many failed sign-ins: try again in ${seconds} s`, [
      { at: 'retryAfter', reason: String(seconds) },
    ]);
  }
  const user = await deps.access.userByUsername(username);
  let ok = false;
  if (user?.passwordHash && user.active) {
    ok = await deps.secrets.verifyPassword(input.password, user.passwordHash);
  } else {
    dummyHash ??= await deps.secrets.hashPassword(deps.secrets.token(16));
    await deps.secrets.verifyPassword(input.password, dummyHash);
  }
  await deps.access.recordAttempt(username, input.ip, now, ok);
  if (!ok || !user) {
    await audit(
      deps,
      { user: username, role: 'anonymous' },
      'auth.sign_in_failed',
      'user',
      user?.id ?? null,
      null,
      { ip: input.ip },
    );
    throw new AppError('UNAUTHENTICATED', 'the username or password is wrong');
  }
  const token = deps.secrets.token(32);
  const csrfToken = deps.secrets.token(24);
  const expiresAt = sessionExpiry(now, now, policy);
  await deps.access.createSession(
    {
      tokenHash: deps.secrets.digest(token),
      userId: user.id,
      csrfToken,
      createdAt: now,
      seenAt: now,
      expiresAt,
    },
    { ip: input.ip, userAgent: input.userAgent },
  );
  await audit(deps, { user: user.id, role: user.role }, 'auth.sign_in', 'user', user.id, null, {
    ip: input.ip,
  });
  const { passwordHash: _, ...plain } = user;
  return { token, csrfToken, expiresAt, user: { ...plain, lastLoginAt: now } };
}

/** The caller behind a session token, or null when it is unknown, expired or its user inactive. */
export async function sessionCaller(
  deps: AccessDeps,
  token: string,
  policy: AuthPolicy = DEFAULT_AUTH_POLICY,
): Promise<Caller | null> {
  const now = deps.clock.now();
  const hash = deps.secrets.digest(token);
  const s = await deps.access.session(hash);
  if (!s) return null;
  if (s.expiresAt.getTime() <= now.getTime()) {
    await deps.access.deleteSession(hash);
    return null;
  }
  const user = await deps.access.user(s.userId);
  if (!user || !user.active) return null;
  // written at most once a minute: a busy console does not write on every request
  if (now.getTime() - s.seenAt.getTime() > 60_000)
    await deps.access.touchSession(hash, now, sessionExpiry(s.createdAt, now, policy));
  return {
    actor: { user: user.id, role: user.role },
    csrfToken: s.csrfToken,
    user,
    via: 'session',
  };
}

export async function signOut(deps: AccessDeps, token: string, actor: Actor): Promise<void> {
  await deps.access.deleteSession(deps.secrets.digest(token));
  await audit(deps, actor, 'auth.sign_out', 'user', actor.user, null, null);
}

/** The caller behind an API key `rk_<id>_<secret>`, or null. */
export async function keyCaller(deps: AccessDeps, presented: string): Promise<Caller | null> {
  if (!presented.startsWith(KEY_PREFIX)) return null;
  const rest = presented.slice(KEY_PREFIX.length);
  const cut = rest.indexOf('_');
  if (cut <= 0) return null;
  const id = rest.slice(0, cut);
  const key = await deps.access.key(id);
  if (!key || key.revokedAt) return null;
  const now = deps.clock.now();
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return null;
  if (!deps.secrets.same(deps.secrets.digest(rest.slice(cut + 1)), key.secretHash)) return null;
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000)
    await deps.access.touchKey(id, now);
  return { actor: { user: `key:${id}`, role: key.role }, csrfToken: null, user: null, via: 'key' };
}

export interface NewUser {
  id?: string;
  username: string;
  name: string;
  role: string;
  locale?: string;
  password?: string;
}

function checkUser(u: NewUser): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  if (!USERNAME.test(u.username))
    out.push({ at: 'username', reason: '2–40 letters, digits, dots, dashes or underscores' });
  if (u.name.trim() === '') out.push({ at: 'name', reason: 'is required' });
  if (!isRole(u.role)) out.push({ at: 'role', reason: `"${u.role}" is not a role` });
  if (u.locale !== undefined && !(LOCALES as readonly string[]).includes(u.locale))
    out.push({ at: 'locale', reason: `is one of ${LOCALES.join(', ')}` });
  if (u.id !== undefined && !USERNAME.test(u.id))
    out.push({ at: 'id', reason: '2–40 letters, digits, dots, dashes or underscores' });
  if (u.password !== undefined) out.push(...passwordProblems(u.password, u.username));
  return out;
}

export async function createUser(deps: AccessDeps, actor: Actor, input: NewUser): Promise<User> {
  const problems = checkUser(input);
  if (problems.length > 0) throw invalid('the user is not valid', problems);
  const now = deps.clock.now();
  const id = input.id ?? input.username.toLowerCase();
  const hash = input.password ? await deps.secrets.hashPassword(input.password) : null;
  const user = {
    id,
    username: input.username,
    name: input.name.trim(),
    role: input.role as Role,
    locale: (input.locale ?? 'en') as Locale,
    active: true,
  };
  await deps.access.createUser(user, actor.user, hash, now);
  await audit(deps, actor, 'user.create', 'user', id, null, user);
  return (await deps.access.user(id))!;
}

export async function updateUser(
  deps: AccessDeps,
  actor: Actor,
  id: string,
  patch: { name?: string; role?: string; locale?: string; active?: boolean },
): Promise<User> {
  const before = await deps.access.user(id);
  if (!before) throw notFound(`user ${id}`);
  const problems = checkUser({
    username: before.username,
    name: patch.name ?? before.name,
    role: patch.role ?? before.role,
    ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
  });
  if (problems.length > 0) throw invalid('the change is not valid', problems);
  if (
    actor.role !== 'administrator' &&
    (patch.role !== undefined || patch.active !== undefined || actor.user !== id)
  )
    throw forbidden('only an administrator changes other users, roles and access');
  const losesAdmin =
    before.role === 'administrator' &&
    before.active &&
    ((patch.role !== undefined && patch.role !== 'administrator') || patch.active === false);
  if (losesAdmin && (await deps.access.activeAdministrators()) <= 1)
    throw new AppError(
      'INVALID_STATE',
      'the last active administrator cannot lose the role or be disabled',
    );
  await deps.access.updateUser(id, {
    ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
    ...(patch.role !== undefined ? { role: patch.role as Role } : {}),
    ...(patch.locale !== undefined ? { locale: patch.locale as Locale } : {}),
    ...(patch.active !== undefined ? { active: patch.active } : {}),
  });
  // a disabled user or a changed role signs in again
  if (patch.active === false || (patch.role !== undefined && patch.role !== before.role))
    await deps.access.deleteSessionsOf(id);
  const after = (await deps.access.user(id))!;
  await audit(deps, actor, 'user.update', 'user', id, before, after);
  return after;
}

/** Set a password: one's own, or anyone's by an administrator. Ends the user's other sessions. */
export async function setPassword(
  deps: AccessDeps,
  actor: Actor,
  id: string,
  password: string,
): Promise<void> {
  const user = await deps.access.user(id);
  if (!user) throw notFound(`user ${id}`);
  if (actor.user !== id && actor.role !== 'administrator')
    throw forbidden("only an administrator sets another user's password");
  const problems = passwordProblems(password, user.username);
  if (problems.length > 0) throw invalid('the password is not accepted', problems);
  await deps.access.setPassword(id, await deps.secrets.hashPassword(password), deps.clock.now());
  await deps.access.deleteSessionsOf(id);
  await audit(deps, actor, 'user.set_password', 'user', id, null, { passwordChanged: true });
}

export async function createApiKey(
  deps: AccessDeps,
  actor: Actor,
  input: { name: string; role: string; expiresAt?: Date },
): Promise<{ key: ApiKey; secret: string }> {
  const problems: ErrorDetail[] = [];
  if (input.name.trim() === '') problems.push({ at: 'name', reason: 'is required' });
  if (!isRole(input.role)) problems.push({ at: 'role', reason: `"${input.role}" is not a role` });
  const now = deps.clock.now();
  if (input.expiresAt && input.expiresAt.getTime() <= now.getTime())
    problems.push({ at: 'expiresAt', reason: 'is in the past' });
  if (problems.length > 0) throw invalid('the key is not valid', problems);
  const id = deps.secrets.token(6).replace(/[-_]/g, 'x');
  const secret = deps.secrets.token(32);
  const key: ApiKey = {
    id,
    name: input.name.trim(),
    role: input.role as Role,
    createdBy: actor.user,
    createdAt: now,
    expiresAt: input.expiresAt ?? null,
    revokedAt: null,
    lastUsedAt: null,
  };
  await deps.access.createKey(key, deps.secrets.digest(secret));
  await audit(deps, actor, 'api_key.create', 'api_key', id, null, key);
  return { key, secret: `${KEY_PREFIX}${id}_${secret}` };
}

export async function revokeApiKey(deps: AccessDeps, actor: Actor, id: string): Promise<void> {
  const before = await deps.access.key(id);
  if (!before) throw notFound(`API key ${id}`);
  if (!(await deps.access.revokeKey(id, deps.clock.now())))
    throw new AppError('INVALID_STATE', `API key ${id} is already revoked`);
  const { secretHash: _, ...shown } = before;
  await audit(deps, actor, 'api_key.revoke', 'api_key', id, shown, {
    ...shown,
    revokedAt: deps.clock.now(),
  });
}

/**
 * On first start: when no active administrator exists, create `admin` with the given password
 * or a generated one, returned so that it is printed once.
 */
export async function ensureFirstAdministrator(
  deps: AccessDeps,
  given: string | undefined,
): Promise<{ username: string; password: string | null } | null> {
  if ((await deps.access.activeAdministrators()) > 0) return null;
  const password = given ?? deps.secrets.token(15);
  const existing = await deps.access.userByUsername('admin');
  const system: Actor = { user: 'recoup', role: 'administrator' };
  if (existing) {
    await updateUser(deps, system, existing.id, { role: 'administrator', active: true });
    await setPassword(deps, system, existing.id, password);
  } else {
    await createUser(deps, system, {
      id: 'admin',
      username: 'admin',
      name: 'Administrator',
      role: 'administrator',
      password,
    });
  }
  return { username: 'admin', password: given === undefined ? password : null };
}
