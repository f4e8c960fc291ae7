-- Repayment plans: instalment plans, settlements, deferrals and hardship plans agreed on an
-- account, what they did to its schedule, and everything that happened to them.
--
-- The current schedule is always the rows of `instalments` (the daily state reads only them).
-- A plan changes it through a schedule change: the rows it supersedes move to
-- `instalment_history` under the change, the rows it adds take their place. A change can be
-- undone exactly (a broken plan restoring the schedule it replaced, a rewind of the cycle).
CREATE TABLE plans (
  id                  bigserial PRIMARY KEY,
  account_id          bigint NOT NULL REFERENCES accounts (id),
  kind                text NOT NULL CHECK (kind IN ('instalment', 'settlement', 'deferral', 'hardship')),
  status              text NOT NULL CHECK (status IN ('pending', 'active', 'completed', 'broken',
                        'rejected', 'cancelled')),
  -- the terms as agreed (amounts in minor units)
  terms               jsonb NOT NULL,
  currency            char(3) NOT NULL,
  covered             bigint NOT NULL CHECK (covered > 0),
  pay                 bigint NOT NULL CHECK (pay > 0),
  write_off           bigint NOT NULL DEFAULT 0 CHECK (write_off >= 0),
  waived_interest     bigint NOT NULL DEFAULT 0 CHECK (waived_interest >= 0),
  fee                 bigint NOT NULL DEFAULT 0 CHECK (fee >= 0),
  term_days           integer NOT NULL,
  -- the limits it went beyond when proposed (why it waited for approval)
  beyond              jsonb NOT NULL DEFAULT '[]',
  proposed_on         date NOT NULL,
  proposed_by         text NOT NULL,
  proposed_role       text NOT NULL,
  decided_by          text,
  decided_role        text,
  decision_note       text,
  started_on          date,
  ended_on            date,
  -- the grace and tolerance of its payments, and what a break does, as in force when it started
  grace_days          integer NOT NULL CHECK (grace_days >= 0),
  tolerance_percent   integer NOT NULL CHECK (tolerance_percent >= 0),
  on_break            text NOT NULL CHECK (on_break IN ('restore', 'keep')),
  paid_count          integer NOT NULL DEFAULT 0,
  missed_due_date     date,
  -- a settlement's remainder row, written off when the settlement is paid
  remainder_seq       integer,
  -- the hardship hold placed while it is reviewed
  hold_id             bigint REFERENCES holds (id),
  strategy_version_id bigint REFERENCES strategy_versions (id),
  segment_id          text,
  request_key         text UNIQUE,
  notes               text,
  created_at          timestamptz NOT NULL DEFAULT now()
);
-- one plan at a time per account (waiting for approval or running)
CREATE UNIQUE INDEX plans_open_idx ON plans (account_id) WHERE status IN ('pending', 'active');
CREATE INDEX plans_account_idx ON plans (account_id, id);
CREATE INDEX plans_status_idx ON plans (status, id);
CREATE INDEX plans_ended_idx ON plans (ended_on) WHERE ended_on IS NOT NULL;

-- A plan's payments, each carried by an instalment of the account's schedule.
CREATE TABLE plan_payments (
  plan_id         bigint NOT NULL REFERENCES plans (id),
  seq             integer NOT NULL CHECK (seq >= 1),
  account_id      bigint NOT NULL REFERENCES accounts (id),
  instalment_seq  integer NOT NULL,
  due_date        date NOT NULL,
  amount          bigint NOT NULL CHECK (amount > 0),
  PRIMARY KEY (plan_id, seq)
);

-- Changes to a schedule: the version each created (the schedule an account was opened with
-- is version 1), by which plan, why, and the seqs of the rows it added.
CREATE TABLE schedule_changes (
  id          bigserial PRIMARY KEY,
  account_id  bigint NOT NULL REFERENCES accounts (id),
  plan_id     bigint NOT NULL REFERENCES plans (id),
  version     integer NOT NULL CHECK (version >= 2),
  on_date     date NOT NULL,
  reason      text NOT NULL CHECK (reason IN ('plan_started', 'plan_broken', 'plan_cancelled',
                'settled')),
  added_seqs  integer[] NOT NULL,
  -- decided by the daily cycle (undone by a rewind) rather than by a person
  by_cycle    boolean NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, version)
);
CREATE INDEX schedule_changes_cycle_idx ON schedule_changes (on_date) WHERE by_cycle;

-- The rows a change superseded, as they were.
CREATE TABLE instalment_history (
  change_id     bigint NOT NULL REFERENCES schedule_changes (id),
  account_id    bigint NOT NULL REFERENCES accounts (id),
  seq           integer NOT NULL,
  due_date      date NOT NULL,
  principal_due bigint NOT NULL,
  interest_due  bigint NOT NULL,
  fees_due      bigint NOT NULL,
  PRIMARY KEY (change_id, seq)
);

-- What a paid settlement wrote off.
CREATE TABLE write_offs (
  change_id   bigint PRIMARY KEY REFERENCES schedule_changes (id),
  account_id  bigint NOT NULL REFERENCES accounts (id),
  plan_id     bigint NOT NULL REFERENCES plans (id),
  on_date     date NOT NULL,
  amount      bigint NOT NULL CHECK (amount > 0)
);

-- Everything that happened to a plan: proposed, approved, rejected, cancelled, completed,
-- broken, a review needed, a hold placed or released, a write-off. The customer's timeline
-- reads it. The cycle acts as actor 'cycle' in role 'system', with the day in detail.day.
CREATE TABLE plan_events (
  id          bigserial PRIMARY KEY,
  plan_id     bigint NOT NULL REFERENCES plans (id),
  account_id  bigint NOT NULL REFERENCES accounts (id),
  at          timestamptz NOT NULL,
  actor       text NOT NULL,
  role        text NOT NULL,
  action      text NOT NULL,
  detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX plan_events_plan_idx ON plan_events (plan_id, id);
CREATE INDEX plan_events_account_idx ON plan_events (account_id, at);
