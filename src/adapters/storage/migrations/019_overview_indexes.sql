-- The overview's "payments received today" reads payments by day across all accounts.
CREATE INDEX IF NOT EXISTS payments_paid_on_idx ON payments (paid_on);
