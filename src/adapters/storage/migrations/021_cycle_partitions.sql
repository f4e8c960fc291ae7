-- The daily cycle in partitions: a day is prepared (its account id ranges, balanced by count),
-- each partition is cycled in a transaction of its own (by any worker), and the day is
-- finished when all of them are done, from what each recorded here.
CREATE TABLE cycle_days (
  as_of        date PRIMARY KEY,
  partitions   integer NOT NULL CHECK (partitions > 0),
  state        text NOT NULL CHECK (state IN ('running', 'done')),
  started_at   timestamptz NOT NULL,
  prepared_at  timestamptz NOT NULL,
  finished_at  timestamptz,
  -- when what follows a day (alerts, the day's dispatch) was done, once, after its finish
  followed_at  timestamptz
);

-- One row per partition of a day: its range of account ids, (after_id, up_to_id] (the last
-- has no upper bound), its progress and, once done, what it counted.
CREATE TABLE cycle_partitions (
  as_of        date NOT NULL REFERENCES cycle_days (as_of) ON DELETE CASCADE,
  part         integer NOT NULL,
  after_id     bigint NOT NULL,
  up_to_id     bigint,
  planned      integer NOT NULL,
  state        text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done')),
  worker       text,
  attempts     integer NOT NULL DEFAULT 0,
  started_at   timestamptz,
  finished_at  timestamptz,
  duration_ms  integer,
  accounts     integer,
  transitions  integer,
  actions      integer,
  plan_ms      integer,
  score_ms     integer,
  strategy_version_id bigint,
  -- each purpose's share of the day's scoring (the day's monitoring sums them)
  scoring      jsonb,
  last_error   text,
  PRIMARY KEY (as_of, part)
);

-- Each partition's share of the day's portfolio snapshot; the finish sums them.
CREATE TABLE cycle_partition_snapshots (
  as_of        date NOT NULL,
  part         integer NOT NULL,
  product      text NOT NULL,
  currency     char(3) NOT NULL,
  bucket       text NOT NULL,
  accounts     integer NOT NULL,
  outstanding  bigint NOT NULL,
  arrears      bigint NOT NULL,
  PRIMARY KEY (as_of, part, product, currency, bucket),
  FOREIGN KEY (as_of, part) REFERENCES cycle_partitions (as_of, part) ON DELETE CASCADE
);
