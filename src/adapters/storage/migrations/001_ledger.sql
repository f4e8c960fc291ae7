-- The ledger: customers, accounts, schedules, payments and holds.
-- Internal ids are bigint surrogates; the ids of the lender's systems are `external_id`.
-- Amounts are bigint minor units of the account's currency.

CREATE TABLE customers (
  id            bigserial PRIMARY KEY,
  external_id   text NOT NULL UNIQUE,
  name          text NOT NULL,
  phone         text,
  email         text,
  address       text,
  latitude      numeric(8, 5),
  longitude     numeric(8, 5),
  timezone      text NOT NULL,
  language      text NOT NULL,
  jurisdiction  text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
  id            bigserial PRIMARY KEY,
  external_id   text NOT NULL UNIQUE,
  customer_id   bigint NOT NULL REFERENCES customers (id),
  product       text NOT NULL CHECK (product IN ('loan', 'card', 'bnpl', 'invoice')),
  currency      char(3) NOT NULL,
  principal     bigint NOT NULL CHECK (principal >= 0),
  opened_on     date NOT NULL,
  grace_days    integer CHECK (grace_days >= 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_customer_idx ON accounts (customer_id);

CREATE TABLE instalments (
  account_id    bigint NOT NULL REFERENCES accounts (id),
  seq           integer NOT NULL CHECK (seq >= 1),
  due_date      date NOT NULL,
  principal_due bigint NOT NULL CHECK (principal_due >= 0),
  interest_due  bigint NOT NULL CHECK (interest_due >= 0),
  fees_due      bigint NOT NULL CHECK (fees_due >= 0),
  PRIMARY KEY (account_id, seq)
);

CREATE TABLE payments (
  id            bigserial PRIMARY KEY,
  external_id   text NOT NULL UNIQUE,
  account_id    bigint NOT NULL REFERENCES accounts (id),
  paid_on       date NOT NULL,
  paid_at       timestamptz,
  amount        bigint NOT NULL CHECK (amount > 0),
  source        text NOT NULL DEFAULT 'import' CHECK (source IN ('import', 'api')),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_account_idx ON payments (account_id, paid_on);

CREATE TABLE holds (
  id            bigserial PRIMARY KEY,
  account_id    bigint NOT NULL REFERENCES accounts (id),
  kind          text NOT NULL CHECK (kind IN ('hardship', 'dispute', 'bankruptcy', 'deceased', 'other')),
  from_date     date NOT NULL,
  to_date       date CHECK (to_date >= from_date),
  note          text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, kind, from_date)
);

-- Configuration documents (the ledger policy, ...) as validated JSON.
CREATE TABLE settings (
  key           text PRIMARY KEY,
  value         jsonb NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
