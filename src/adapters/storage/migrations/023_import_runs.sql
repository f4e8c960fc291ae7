-- Imports run by the workers (`recoup import --queue`): one row per import, inserted in the
-- import's own transaction, so an import redone after its worker died (before or after the
-- commit) is applied once; the report is kept for the command that waits for it.
CREATE TABLE import_runs (
  id           text PRIMARY KEY,
  folder       text NOT NULL,
  status       text CHECK (status IN ('imported', 'imported_with_errors', 'rejected')),
  report       json, -- as written: the order of the files kept
  started_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at  timestamptz
);
