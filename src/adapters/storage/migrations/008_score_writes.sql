-- The cycle rewrites a large share of account_scores and account_tiers every day. Room left
-- on each page lets an unchanged-key update stay on its page without new index entries (a
-- heap-only update), and no index covers a column that changes daily (the band): the
-- distribution by band is read with a scan. Both tables are derived: written only by the
-- cycle, from the accounts it reads in the same transaction, and rebuilt by the next cycle,
-- so they keep no foreign keys (a million rows are written on the first day; per-row key
-- checks took most of that time).
ALTER TABLE account_scores
  DROP CONSTRAINT account_scores_account_id_fkey,
  DROP CONSTRAINT account_scores_model_id_fkey,
  SET (fillfactor = 70);
DROP INDEX account_scores_purpose_idx;
CREATE INDEX account_scores_purpose_idx ON account_scores (purpose);

ALTER TABLE account_tiers
  DROP CONSTRAINT account_tiers_account_id_fkey,
  SET (fillfactor = 80);
