-- Customers whose personal data was erased on request: the lender's id, when, by whom and why
-- (no personal data). The list the erasure is repeated from after a backup is restored, and
-- what an import checks so that a later file does not bring the data back. Keyed by the
-- lender's id: a list read back after a restore may name a customer the database does not
-- hold (yet), so the internal id is kept where known, without a reference.
CREATE TABLE customer_erasures (
  external_id  text PRIMARY KEY,
  customer_id  bigint,
  erased_at    timestamptz NOT NULL,
  erased_by    text NOT NULL,
  role         text NOT NULL,
  reason       text NOT NULL CHECK (reason <> ''),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_erasures_customer_idx ON customer_erasures (customer_id);
