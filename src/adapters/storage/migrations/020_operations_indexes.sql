-- The metrics endpoint counts the job queue and today's compliance blocks at every scrape: the
-- jobs that are not done (done jobs are kept) and the denied decisions by time, each read
-- from an index instead of the whole table.
CREATE INDEX IF NOT EXISTS jobs_open_idx ON jobs (kind, state) WHERE state <> 'done';
CREATE INDEX IF NOT EXISTS compliance_decisions_denied_at_idx ON compliance_decisions (proposed_at)
  WHERE decision = 'DENY';
