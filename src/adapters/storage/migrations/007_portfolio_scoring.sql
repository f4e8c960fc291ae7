-- Scoring the portfolio: every account's latest score per purpose (from the active model),
-- its tier of the classification standard, monthly snapshots whose outcomes are followed for
-- monitoring, and the daily monitoring figures.

-- The latest score of each account for each purpose that has an active model (rows change
-- only when the score does: changed_on; the day last scored is in score_runs).
CREATE TABLE account_scores (
  account_id   bigint NOT NULL REFERENCES accounts (id),
  purpose      text NOT NULL,
  model_id     bigint NOT NULL REFERENCES score_models (id),
  changed_on   date NOT NULL,
  points       integer NOT NULL,
  probability  double precision NOT NULL CHECK (probability >= 0 AND probability <= 1),
  band         text NOT NULL,
  -- the characteristics that cost the account the most points, worst first
  reasons      text[] NOT NULL,
  PRIMARY KEY (account_id, purpose)
);
CREATE INDEX account_scores_purpose_idx ON account_scores (purpose, band);

-- Each account's tier, from its state and the score of the purpose that applies to it.
CREATE TABLE account_tiers (
  account_id   bigint PRIMARY KEY REFERENCES accounts (id),
  changed_on   date NOT NULL,
  purpose      text NOT NULL,
  tier         text NOT NULL,
  -- the classification rule that gave it (its index in the document)
  rule         integer NOT NULL
);
CREATE INDEX account_tiers_tier_idx ON account_tiers (tier);

-- Each purpose's scoring of each cycled day.
CREATE TABLE score_runs (
  purpose      text NOT NULL,
  as_of        date NOT NULL,
  model_id     bigint NOT NULL REFERENCES score_models (id),
  accounts     integer NOT NULL,
  changed      integer NOT NULL,
  duration_ms  integer NOT NULL,
  PRIMARY KEY (purpose, as_of)
);

-- The scores of one day kept to compare predictions with what then happened: the worst days
-- past due reached after the day (early warning) and whether the account cured or paid
-- (collection) are brought up to date by every cycle until the horizon has passed (the
-- snapshot's followed_to).
CREATE TABLE score_snapshot_runs (
  purpose      text NOT NULL,
  as_of        date NOT NULL,
  model_id     bigint NOT NULL REFERENCES score_models (id),
  horizon_days integer NOT NULL,
  accounts     integer NOT NULL,
  followed_to  date NOT NULL,
  PRIMARY KEY (purpose, as_of)
);

-- Hundreds of thousands of rows are written at once: no per-row foreign-key checks (the rows
-- come from account_scores, which has them; the run row is written first).
CREATE TABLE score_snapshots (
  purpose      text NOT NULL,
  as_of        date NOT NULL,
  account_id   bigint NOT NULL,
  model_id     bigint NOT NULL,
  band         text NOT NULL,
  probability  double precision NOT NULL,
  past_due_days integer NOT NULL,
  worst_past_due_days integer NOT NULL DEFAULT 0,
  cured_or_paid boolean NOT NULL DEFAULT false,
  PRIMARY KEY (purpose, as_of, account_id)
);

-- The monitoring of each purpose's model per cycled day: the stability of the score
-- distribution against training (PSI), the accounts per band, predicted and actual event
-- rates of the latest matured snapshot, and the alerts raised against the limits set.
CREATE TABLE score_monitoring (
  as_of        date NOT NULL,
  purpose      text NOT NULL,
  model_id     bigint NOT NULL REFERENCES score_models (id),
  accounts     integer NOT NULL,
  psi          double precision NOT NULL,
  bands        jsonb NOT NULL,
  calibration  jsonb,
  alerts       jsonb NOT NULL DEFAULT '[]',
  PRIMARY KEY (as_of, purpose)
);
