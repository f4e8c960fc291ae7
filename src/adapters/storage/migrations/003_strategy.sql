-- Strategies: versioned documents, each account's segment, and the actions planned each day.

ALTER TABLE account_states
  ADD COLUMN next_due_date date,
  ADD COLUMN last_paid_on date,
  ADD COLUMN on_hold boolean NOT NULL DEFAULT false;

CREATE TABLE strategy_versions (
  id              bigserial PRIMARY KEY,
  strategy_id     text NOT NULL,
  version         integer NOT NULL CHECK (version >= 1),
  name            text NOT NULL,
  -- The document as its author wrote it (YAML or JSON).
  source          text NOT NULL,
  status          text NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
  effective_from  date,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  published_by    text,
  published_at    timestamptz,
  publish_reason  text,
  retired_at      timestamptz,
  UNIQUE (strategy_id, version),
  CHECK (status = 'draft' OR (effective_from IS NOT NULL AND published_by IS NOT NULL))
);

-- Each account's place in the strategy in force: its segment, and since when.
CREATE TABLE strategy_assignments (
  account_id           bigint PRIMARY KEY REFERENCES accounts (id),
  strategy_version_id  bigint NOT NULL REFERENCES strategy_versions (id),
  segment_id           text NOT NULL,
  bucket               text NOT NULL,
  entered_on           date NOT NULL
);

-- The path history: a row on each day an account entered a segment (segment_id set) or left
-- its path (exit_reason set). It restores assignments when past days are replayed, and counts
-- entries for the review of a strategy version.
CREATE TABLE strategy_path_events (
  account_id           bigint NOT NULL REFERENCES accounts (id),
  on_date              date NOT NULL,
  strategy_version_id  bigint NOT NULL REFERENCES strategy_versions (id),
  segment_id           text,
  bucket               text,
  exit_reason          text CHECK (exit_reason IN ('paid_up', 'hold', 'promise', 'no_segment')),
  PRIMARY KEY (account_id, on_date),
  CHECK ((segment_id IS NULL) <> (exit_reason IS NULL))
);
CREATE INDEX strategy_path_events_review_idx ON strategy_path_events (strategy_version_id, segment_id, on_date);

-- One row per step due for an account on a day; the idempotency key makes a re-run a no-op.
CREATE TABLE planned_actions (
  id                   bigserial PRIMARY KEY,
  idempotency_key      text NOT NULL UNIQUE,
  account_id           bigint NOT NULL REFERENCES accounts (id),
  strategy_version_id  bigint NOT NULL REFERENCES strategy_versions (id),
  segment_id           text NOT NULL,
  step_id              text NOT NULL,
  channel              text NOT NULL,
  template             text NOT NULL,
  priority             integer NOT NULL,
  on_fail              jsonb NOT NULL,
  planned_for          date NOT NULL,
  status               text NOT NULL CHECK (status IN ('planned', 'skipped')),
  reason               text,
  created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX planned_actions_day_idx ON planned_actions (planned_for, channel);
CREATE INDEX planned_actions_account_idx ON planned_actions (account_id, planned_for);

ALTER TABLE cycle_runs
  ADD COLUMN strategy_version_id bigint REFERENCES strategy_versions (id),
  ADD COLUMN actions integer NOT NULL DEFAULT 0,
  ADD COLUMN plan_ms integer NOT NULL DEFAULT 0;

-- Which strategy the portfolio runs (the version in force is chosen by effective date).
INSERT INTO settings (key, value) VALUES ('strategy.active', '"default"');
