-- Champion/challenger pilots: experiments, their arms, and each account's arm.

CREATE TABLE experiments (
  id            text PRIMARY KEY,
  name          text NOT NULL,
  population    text NOT NULL,
  -- [{name, strategyId, version, share}]: the first arm is the champion.
  arms          jsonb NOT NULL,
  status        text NOT NULL CHECK (status IN ('running', 'stopped', 'promoted')),
  starts_on     date NOT NULL,
  ends_on       date,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  promoted_arm  text,
  closed_by     text,
  closed_at     timestamptz
);

-- The arm of each account, from the day it was first seen in the population.
CREATE TABLE experiment_assignments (
  experiment_id  text NOT NULL REFERENCES experiments (id),
  account_id     bigint NOT NULL REFERENCES accounts (id),
  arm            text NOT NULL,
  assigned_on    date NOT NULL,
  -- Where the account stood when it joined: the base of cure, roll and recovery rates.
  bucket         text NOT NULL,
  balance        bigint NOT NULL,
  PRIMARY KEY (experiment_id, account_id)
);
CREATE INDEX experiment_assignments_account_idx ON experiment_assignments (account_id);
