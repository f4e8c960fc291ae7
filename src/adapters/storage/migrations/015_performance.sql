-- Collector performance, incentives and training: targets per collector and team per month,
-- complaints about a collector (some upheld as compliance breaches, which the incentive rules
-- deduct for), training courses and who completed them when. The KPIs themselves are computed
-- from the contact attempts, promises, payments, bucket transitions and compliance decisions;
-- the assessment scheme and the incentive rules are settings ('performance.scheme',
-- 'incentives.rules').

CREATE TABLE performance_targets (
  period      char(7) NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  scope       text NOT NULL CHECK (scope IN ('collector', 'team')),
  subject     text NOT NULL,
  -- KPI name → target (rates as fractions, collected in minor units of the scheme's currency)
  targets     jsonb NOT NULL,
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (period, scope, subject)
);

CREATE TABLE complaints (
  id           bigserial PRIMARY KEY,
  collector    text NOT NULL REFERENCES collectors (id),
  customer_id  bigint REFERENCES customers (id),
  account_id   bigint REFERENCES accounts (id),
  received_on  date NOT NULL,
  summary      text NOT NULL CHECK (summary <> ''),
  -- upheld as a breach of the contact rules: the incentive statement deducts for it
  breach       boolean NOT NULL DEFAULT false,
  recorded_by  text NOT NULL,
  recorded_at  timestamptz NOT NULL
);
CREATE INDEX complaints_collector_idx ON complaints (collector, received_on);

CREATE TABLE training_courses (
  id               text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.-]{1,64}$'),
  title            text NOT NULL,
  -- required before taking calls
  compliance       boolean NOT NULL,
  -- months a completion counts for; null: for good
  validity_months  integer CHECK (validity_months > 0),
  updated_by       text NOT NULL,
  updated_at       timestamptz NOT NULL
);

CREATE TABLE training_completions (
  id            bigserial PRIMARY KEY,
  collector     text NOT NULL REFERENCES collectors (id),
  course_id     text NOT NULL REFERENCES training_courses (id),
  completed_on  date NOT NULL,
  recorded_by   text NOT NULL,
  recorded_at   timestamptz NOT NULL,
  UNIQUE (collector, course_id, completed_on)
);

-- The KPIs' reading paths: a collector's attempts, decisions and promises by time.
CREATE INDEX contact_attempts_by_user_idx ON contact_attempts (by_user, ts) WHERE by_user IS NOT NULL;
CREATE INDEX compliance_decisions_denied_idx ON compliance_decisions (decided_by, proposed_at)
  WHERE decision = 'DENY';
CREATE INDEX promises_due_idx ON promises (made_by, promised_for);
