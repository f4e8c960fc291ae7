-- The daily cycle: current state per account, bucket transitions, portfolio snapshots, runs.

-- The state of every account as of the latest cycled date (cycle_runs' greatest as_of).
CREATE TABLE account_states (
  account_id        bigint PRIMARY KEY REFERENCES accounts (id),
  outstanding       bigint NOT NULL,
  arrears           bigint NOT NULL,
  credit            bigint NOT NULL,
  overdue_due_date  date,
  delinquent_date   date,
  past_due_days     integer NOT NULL,
  delinquent_days   integer NOT NULL,
  bucket            text NOT NULL,
  ageing            jsonb NOT NULL
);
CREATE INDEX account_states_bucket_idx ON account_states (bucket);

-- One row per account and day on which its bucket changed; from_bucket is null on first sight.
CREATE TABLE bucket_transitions (
  account_id    bigint NOT NULL REFERENCES accounts (id),
  on_date       date NOT NULL,
  from_bucket   text,
  to_bucket     text NOT NULL,
  PRIMARY KEY (account_id, on_date)
);
CREATE INDEX bucket_transitions_date_idx ON bucket_transitions (on_date);

CREATE TABLE portfolio_snapshots (
  as_of         date NOT NULL,
  product       text NOT NULL,
  currency      char(3) NOT NULL,
  bucket        text NOT NULL,
  accounts      integer NOT NULL,
  outstanding   bigint NOT NULL,
  arrears       bigint NOT NULL,
  PRIMARY KEY (as_of, product, currency, bucket)
);

CREATE TABLE cycle_runs (
  as_of         date PRIMARY KEY,
  accounts      integer NOT NULL,
  transitions   integer NOT NULL,
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz NOT NULL,
  duration_ms   integer NOT NULL
);
