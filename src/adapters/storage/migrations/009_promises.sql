-- Promises to pay: what a customer agreed to pay on an account and by when, who took it and
-- through which channel, and what became of it. The cycle follows the open ones every day
-- (the payments that came, within the promised date plus grace): kept, partially kept or
-- broken. While one is open the account's treatment path waits; a promise not kept sends the
-- account back into its strategy.
CREATE TABLE promises (
  id                  bigserial PRIMARY KEY,
  account_id          bigint NOT NULL REFERENCES accounts (id),
  customer_id         bigint NOT NULL REFERENCES customers (id),
  amount              bigint NOT NULL CHECK (amount > 0),
  currency            char(3) NOT NULL,
  promised_for        date NOT NULL,
  made_on             date NOT NULL CHECK (made_on <= promised_for),
  made_at             timestamptz NOT NULL,
  grace_days          integer NOT NULL CHECK (grace_days >= 0),
  -- how much less than the amount still keeps it (minor units)
  tolerance           bigint NOT NULL CHECK (tolerance >= 0 AND tolerance < amount),
  channel             text NOT NULL CHECK (channel IN ('phone', 'field_visit', 'sms', 'email',
                        'letter', 'self_service', 'other')),
  made_by             text NOT NULL,
  -- where the account was in its strategy when the promise was made
  strategy_version_id bigint REFERENCES strategy_versions (id),
  segment_id          text,
  status              text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'kept',
                        'partially_kept', 'broken', 'cancelled')),
  paid                bigint NOT NULL DEFAULT 0 CHECK (paid >= 0),
  resolved_on         date,
  late                boolean NOT NULL DEFAULT false,
  cancelled_by        text,
  cancel_reason       text,
  -- a client's key for the request that made it: the same key again returns this promise
  request_key         text UNIQUE,
  notes               text,
  created_at          timestamptz NOT NULL DEFAULT now()
);
-- one open promise per account
CREATE UNIQUE INDEX promises_open_idx ON promises (account_id) WHERE status = 'open';
CREATE INDEX promises_account_idx ON promises (account_id, made_on);
CREATE INDEX promises_resolved_idx ON promises (resolved_on) WHERE resolved_on IS NOT NULL;
CREATE INDEX promises_made_idx ON promises (made_on, made_by);
