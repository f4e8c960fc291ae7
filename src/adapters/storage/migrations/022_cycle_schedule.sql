-- The days the scheduler queued for the daily cycle, one row per business date: a scheduler
-- queues a day only when it inserts the day's row, in the same transaction as the day's job,
-- so that any number of schedulers on any number of machines queue each day once.
CREATE TABLE cycle_schedule (
  as_of      date PRIMARY KEY,
  queued_at  timestamptz NOT NULL,
  -- the scheduler process that queued it (host:pid)
  queued_by  text NOT NULL
);
