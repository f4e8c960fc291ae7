-- Who may use Recoup and what they did: users with scrypt password hashes, their sessions
-- (only a hash of each session token is stored), API keys for other systems (only a hash of
-- the secret), sign-in attempts for throttling, and the audit log: every change and every
-- view of unmasked personal data, append-only and chained by hashes.

CREATE TABLE users (
  id                   text PRIMARY KEY,
  username             text NOT NULL,
  name                 text NOT NULL,
  role                 text NOT NULL,
  locale               text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'zh-CN')),
  -- scrypt$N$r$p$salt$hash (base64url), null for a user who has not set one yet
  password_hash        text,
  active               boolean NOT NULL DEFAULT true,
  created_by           text NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  password_changed_at  timestamptz,
  last_login_at        timestamptz
);
CREATE UNIQUE INDEX users_username_idx ON users (lower(username));

CREATE TABLE sessions (
  token_hash   text PRIMARY KEY,
  user_id      text NOT NULL REFERENCES users (id),
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL,
  seen_at      timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  ip           text,
  user_agent   text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_keys (
  id            text PRIMARY KEY,
  secret_hash   text NOT NULL,
  name          text NOT NULL,
  role          text NOT NULL,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  revoked_at    timestamptz,
  last_used_at  timestamptz
);

CREATE TABLE login_attempts (
  id        bigserial PRIMARY KEY,
  username  text NOT NULL,
  ip        text NOT NULL,
  at        timestamptz NOT NULL,
  ok        boolean NOT NULL
);
CREATE INDEX login_attempts_user_idx ON login_attempts (lower(username), at);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, at);

-- before and after are kept as the exact JSON text that was hashed, so that the chain can be
-- recomputed byte for byte; `hash` = sha256(prev_hash || '\n' || the entry's canonical text).
CREATE TABLE audit_log (
  seq        bigint PRIMARY KEY,
  at         timestamptz NOT NULL,
  actor      text NOT NULL,
  role       text NOT NULL,
  action     text NOT NULL,
  entity     text NOT NULL,
  entity_id  text,
  before     text,
  after      text,
  prev_hash  text NOT NULL,
  hash       text NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, seq);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, seq);
CREATE INDEX audit_log_at_idx ON audit_log (at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % is not allowed', TG_OP;
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
