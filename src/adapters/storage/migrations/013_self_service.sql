-- The customer's self-service page: the payments customers say they are making (an intent with
-- the reference they pay under; a payment provider records the payment itself), and a log of
-- the uses of the signed links, which also keeps each form's request key so a form sent twice
-- is done once. The link's token is never stored.
CREATE TABLE payment_intents (
  id            bigserial PRIMARY KEY,
  account_id    bigint NOT NULL REFERENCES accounts (id),
  amount        bigint NOT NULL CHECK (amount > 0),
  currency      char(3) NOT NULL,
  reference     text NOT NULL UNIQUE,
  status        text NOT NULL DEFAULT 'recorded' CHECK (status IN ('recorded')),
  request_key   text NOT NULL UNIQUE,
  created_at    timestamptz NOT NULL
);
CREATE INDEX payment_intents_account_idx ON payment_intents (account_id, id);

CREATE TABLE self_service_uses (
  id            bigserial PRIMARY KEY,
  -- null when the link could not be read (changed, or not ours)
  account       text,
  action        text NOT NULL,
  outcome       text NOT NULL,
  request_key   text UNIQUE,
  -- the outcome of a form, returned to its repeats
  result        jsonb,
  at            timestamptz NOT NULL
);
CREATE INDEX self_service_uses_account_idx ON self_service_uses (account, at);
