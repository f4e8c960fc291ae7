-- Monitoring: the channel funnel credits each payment and promise to the account's latest sent
-- dispatch before it, read backwards by account and planned date, and counts the outbound
-- attempts recorded on each call or visit task.

CREATE INDEX dispatches_account_idx ON dispatches (account_id, planned_for, id);
CREATE INDEX contact_attempts_task_idx ON contact_attempts (task_id, ts) WHERE task_id IS NOT NULL;
