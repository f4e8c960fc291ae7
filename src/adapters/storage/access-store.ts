/** Users, sessions, API keys and sign-in attempts in PostgreSQL. */
import type { Attempt } from '../../domain/access/auth.ts';
import type { Role } from '../../domain/access/roles.ts';
import type { AccessStore, ApiKey, Locale, Session, User } from '../../app/access/ports.ts';
import { AppError } from '../../app/shared/errors.ts';
import type { Database } from './sql-client.ts';

interface UserRow {
  id: string;
  username: string;
  name: string;
  role: string;
  locale: string;
  active: boolean;
  created_at: Date | string;
  last_login_at: Date | string | null;
  password_hash: string | null;
}

const date = (d: Date | string | null): Date | null => (d === null ? null : new Date(d));

const user = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  name: r.name,
  role: r.role as Role,
  locale: r.locale as Locale,
  active: r.active,
  createdAt: new Date(r.created_at),
  lastLoginAt: date(r.last_login_at),
  hasPassword: r.password_hash !== null,
});

interface KeyRow {
  id: string;
  name: string;
  role: string;
  created_by: string;
  created_at: Date | string;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  last_used_at: Date | string | null;
  secret_hash: string;
}

const key = (r: KeyRow): ApiKey => ({
  id: r.id,
  name: r.name,
  role: r.role as Role,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at),
  expiresAt: date(r.expires_at),
  revokedAt: date(r.revoked_at),
  lastUsedAt: date(r.last_used_at),
});

const USER_COLUMNS =
  'id, username, name, role, locale, active, created_at, last_login_at, password_hash';

export class SqlAccessStore implements AccessStore {
  constructor(private readonly db: Database) {}

  async user(id: string): Promise<User | null> {
    const r = await this.db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return r.rows[0] ? user(r.rows[0]) : null;
  }

  async userByUsername(username: string) {
    const r = await this.db.query<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users WHERE lower(username) = lower($1)`,
      [username],
    );
    const row = r.rows[0];
    return row ? { ...user(row), passwordHash: row.password_hash } : null;
  }

  async users(o: { afterUsername?: string; limit: number; role?: Role }): Promise<User[]> {
    const r = await this.db.query<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users
        WHERE ($1::text IS NULL OR lower(username) > lower($1)) AND ($2::text IS NULL OR role = $2)
        ORDER BY lower(username) LIMIT $3`,
      [o.afterUsername ?? null, o.role ?? null, o.limit],
    );
    return r.rows.map(user);
  }

  async createUser(
    u: Omit<User, 'createdAt' | 'lastLoginAt' | 'hasPassword'>,
    by: string,
    passwordHash: string | null,
    at: Date,
  ): Promise<void> {
    const r = await this.db.query(
      `INSERT INTO users (id, username, name, role, locale, active, password_hash, created_by,
                          created_at, password_changed_at)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $7::text IS NULL THEN NULL ELSE $9::timestamptz END
        WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = $1 OR lower(username) = lower($2))`,
      [u.id, u.username, u.name, u.role, u.locale, u.active, passwordHash, by, at.toISOString()],
    );
    if (r.rowCount === 0)
      throw new AppError('CONFLICT', `the username ${u.username} (or id ${u.id}) is taken`, [
        { at: 'username', reason: 'is taken' },
      ]);
  }

  async updateUser(id: string, patch: Partial<Pick<User, 'name' | 'role' | 'locale' | 'active'>>) {
    await this.db.query(
      `UPDATE users SET name = coalesce($2, name), role = coalesce($3, role),
              locale = coalesce($4, locale), active = coalesce($5, active)
        WHERE id = $1`,
      [id, patch.name ?? null, patch.role ?? null, patch.locale ?? null, patch.active ?? null],
    );
  }

  async setPassword(id: string, hash: string, at: Date): Promise<void> {
    await this.db.query(
      'UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1',
      [id, hash, at.toISOString()],
    );
  }

  async activeAdministrators(): Promise<number> {
    const r = await this.db.query<{ n: string }>(
      "SELECT count(*) AS n FROM users WHERE role = 'administrator' AND active AND password_hash IS NOT NULL",
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  async attempts(username: string, ip: string, since: Date) {
    const r = await this.db.query<{
      by_user: boolean;
      by_ip: boolean;
      at: Date | string;
      ok: boolean;
    }>(
      `SELECT lower(username) = lower($1) AS by_user, ip = $2 AS by_ip, at, ok FROM login_attempts
        WHERE (lower(username) = lower($1) OR ip = $2) AND at > $3 ORDER BY at`,
      [username, ip, since.toISOString()],
    );
    const byUser: Attempt[] = [];
    const byAddress: Attempt[] = [];
    for (const row of r.rows) {
      const a = { at: new Date(row.at), ok: row.ok };
      if (row.by_user) byUser.push(a);
      if (row.by_ip) byAddress.push(a);
    }
    return { byUser, byAddress };
  }

  async recordAttempt(username: string, ip: string, at: Date, ok: boolean): Promise<void> {
    await this.db.query(
      'INSERT INTO login_attempts (username, ip, at, ok) VALUES ($1, $2, $3, $4)',
      [username, ip, at.toISOString(), ok],
    );
    if (ok)
      await this.db.query('UPDATE users SET last_login_at = $2 WHERE lower(username) = lower($1)', [
        username,
        at.toISOString(),
      ]);
  }

  async createSession(s: Session, meta: { ip: string | null; userAgent: string | null }) {
    await this.db.query(
      `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, seen_at, expires_at, ip, user_agent)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        s.tokenHash,
        s.userId,
        s.csrfToken,
        s.createdAt.toISOString(),
        s.seenAt.toISOString(),
        s.expiresAt.toISOString(),
        meta.ip,
        meta.userAgent?.slice(0, 300) ?? null,
      ],
    );
  }

  async session(tokenHash: string): Promise<Session | null> {
    const r = await this.db.query<{
      token_hash: string;
      user_id: string;
      csrf_token: string;
      created_at: Date | string;
      seen_at: Date | string;
      expires_at: Date | string;
    }>(
      'SELECT token_hash, user_id, csrf_token, created_at, seen_at, expires_at FROM sessions WHERE token_hash = $1',
      [tokenHash],
      { prepare: 'recoup_session_by_hash' },
    );
    const row = r.rows[0];
    return row
      ? {
          tokenHash: row.token_hash,
          userId: row.user_id,
          csrfToken: row.csrf_token,
          createdAt: new Date(row.created_at),
          seenAt: new Date(row.seen_at),
          expiresAt: new Date(row.expires_at),
        }
      : null;
  }

  async touchSession(tokenHash: string, seenAt: Date, expiresAt: Date): Promise<void> {
    await this.db.query('UPDATE sessions SET seen_at = $2, expires_at = $3 WHERE token_hash = $1', [
      tokenHash,
      seenAt.toISOString(),
      expiresAt.toISOString(),
    ]);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }

  async deleteSessionsOf(userId: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  }

  async createKey(k: ApiKey, secretHash: string): Promise<void> {
    await this.db.query(
      `INSERT INTO api_keys (id, secret_hash, name, role, created_by, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        k.id,
        secretHash,
        k.name,
        k.role,
        k.createdBy,
        k.createdAt.toISOString(),
        k.expiresAt?.toISOString() ?? null,
      ],
    );
  }

  async key(id: string) {
    const r = await this.db.query<KeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
    const row = r.rows[0];
    return row ? { ...key(row), secretHash: row.secret_hash } : null;
  }

  async keys(): Promise<ApiKey[]> {
    const r = await this.db.query<KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id');
    return r.rows.map(key);
  }

  async revokeKey(id: string, at: Date): Promise<boolean> {
    const r = await this.db.query(
      'UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL',
      [id, at.toISOString()],
    );
    return r.rowCount > 0;
  }

  async touchKey(id: string, at: Date): Promise<void> {
    await this.db.query('UPDATE api_keys SET last_used_at = $2 WHERE id = $1', [
      id,
      at.toISOString(),
    ]);
  }
}
