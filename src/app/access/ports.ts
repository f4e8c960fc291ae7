import type { Attempt } from '../../domain/access/auth.ts';
import type { Role } from '../../domain/access/roles.ts';
import type { AuditLog } from '../audit/ports.ts';
import type { Clock } from '../shared/clock.ts';

export type Locale = 'en' | 'zh-CN';
export const LOCALES: readonly Locale[] = ['en', 'zh-CN'];

export interface User {
  id: string;
  username: string;
  name: string;
  role: Role;
  locale: Locale;
  active: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
  hasPassword: boolean;
}

export interface Session {
  tokenHash: string;
  userId: string;
  csrfToken: string;
  createdAt: Date;
  seenAt: Date;
  expiresAt: Date;
}

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface AccessStore {
  user(id: string): Promise<User | null>;
  userByUsername(username: string): Promise<(User & { passwordHash: string | null }) | null>;
  users(o: { afterUsername?: string; limit: number; role?: Role }): Promise<User[]>;
  /** Fails with CONFLICT when the username (case-insensitive) or id is taken. */
  createUser(
    u: Omit<User, 'createdAt' | 'lastLoginAt' | 'hasPassword'>,
    by: string,
    passwordHash: string | null,
    at: Date,
  ): Promise<void>;
  updateUser(
    id: string,
    patch: Partial<Pick<User, 'name' | 'role' | 'locale' | 'active'>>,
  ): Promise<void>;
  setPassword(id: string, hash: string, at: Date): Promise<void>;
  activeAdministrators(): Promise<number>;
  attempts(
    username: string,
    ip: string,
    since: Date,
  ): Promise<{ byUser: Attempt[]; byAddress: Attempt[] }>;
  recordAttempt(username: string, ip: string, at: Date, ok: boolean): Promise<void>;
  createSession(s: Session, meta: { ip: string | null; userAgent: string | null }): Promise<void>;
  session(tokenHash: string): Promise<Session | null>;
  touchSession(tokenHash: string, seenAt: Date, expiresAt: Date): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  deleteSessionsOf(userId: string): Promise<void>;
  createKey(k: ApiKey, secretHash: string): Promise<void>;
  key(id: string): Promise<(ApiKey & { secretHash: string }) | null>;
  keys(): Promise<ApiKey[]>;
  revokeKey(id: string, at: Date): Promise<boolean>;
  touchKey(id: string, at: Date): Promise<void>;
}

/** Passwords, tokens and digests: the side effects of cryptography, behind one port. */
export interface Secrets {
  hashPassword(password: string): Promise<string>;
  verifyPassword(password: string, hash: string): Promise<boolean>;
  /** A random token of `bytes` bytes, base64url. */
  token(bytes: number): string;
  /** sha256, hex. */
  digest(text: string): string;
  /** Constant-time comparison of two strings. */
  same(a: string, b: string): boolean;
}

export interface AccessDeps {
  access: AccessStore;
  secrets: Secrets;
  audit: AuditLog;
  clock: Clock;
}
