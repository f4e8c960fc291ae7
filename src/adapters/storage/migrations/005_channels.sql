-- Channels and contact compliance: the job queue, dispatches with every state transition, the
-- compliance decisions (the audit trail), contact attempts, preferences, calendars, letters,
-- call and visit tasks, field agents and inbound messages.

-- A job queue on PostgreSQL. Jobs with the same `grp` never run at the same time; a pending
-- job's `key` is unique, so enqueuing the same work twice is one job. A running job belongs to
-- one worker until `locked_until`; workers extend it while they work.
CREATE TABLE jobs (
  id            bigserial PRIMARY KEY,
  kind          text NOT NULL,
  key           text,
  grp           text,
  payload       jsonb NOT NULL DEFAULT '{}',
  state         text NOT NULL CHECK (state IN ('pending', 'running', 'done', 'dead')),
  priority      integer NOT NULL DEFAULT 0,
  run_at        timestamptz NOT NULL,
  attempts      integer NOT NULL DEFAULT 0,
  max_attempts  integer NOT NULL DEFAULT 10,
  locked_by     text,
  locked_until  timestamptz,
  last_error    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz
);
CREATE UNIQUE INDEX jobs_pending_key_idx ON jobs (key) WHERE state = 'pending';
CREATE INDEX jobs_ready_idx ON jobs (kind, run_at) WHERE state = 'pending';
CREATE INDEX jobs_running_idx ON jobs (grp) WHERE state = 'running';

ALTER TABLE customers ADD COLUMN do_not_contact boolean NOT NULL DEFAULT false;

-- Opt-outs, consents and stated preferences, each with the time it was given and where from.
CREATE TABLE contact_preferences (
  id           bigserial PRIMARY KEY,
  customer_id  bigint NOT NULL REFERENCES customers (id),
  kind         text NOT NULL CHECK (kind IN ('opt_out', 'call_consent', 'email_consent',
                 'employer_email', 'inconvenient_time')),
  -- opt_out: the channel; the others: null
  channel      text CHECK (channel IN ('phone', 'sms', 'email', 'letter', 'field_visit')),
  -- opt_out: a number or address (null: the whole channel); call_consent: the debt (account
  -- external id); email_consent, employer_email: the address; inconvenient_time: HH:MM-HH:MM
  value        text,
  since        timestamptz NOT NULL,
  until        timestamptz,
  source       text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_preferences_customer_idx ON contact_preferences (customer_id);

-- Public holidays and quiet days on which no contact is made, per jurisdiction (country code).
CREATE TABLE contact_calendar (
  jurisdiction  text NOT NULL,
  day           date NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('holiday', 'quiet')),
  name          text NOT NULL,
  PRIMARY KEY (jurisdiction, day)
);

-- One dispatch per planned action that reaches a customer: its way through
-- planned → checked → queued → sending → sent → delivered | failed | blocked | expired.
CREATE TABLE dispatches (
  id                   bigserial PRIMARY KEY,
  idempotency_key      text NOT NULL UNIQUE,
  action_id            bigint UNIQUE REFERENCES planned_actions (id),
  account_id           bigint NOT NULL REFERENCES accounts (id),
  customer_id          bigint NOT NULL REFERENCES customers (id),
  channel              text NOT NULL CHECK (channel IN ('sms', 'email', 'letter', 'phone', 'field_visit')),
  template             text NOT NULL,
  purpose              text NOT NULL DEFAULT 'collection'
                         CHECK (purpose IN ('collection', 'required_notice', 'optout_confirmation')),
  planned_for          date NOT NULL,
  priority             integer NOT NULL,
  -- What to do when it cannot be done (the step's on_fail), and the dispatch it follows up.
  on_fail              jsonb,
  parent_id            bigint REFERENCES dispatches (id),
  -- Dispatch work is split by customer: one worker handles a shard at a time, so a customer's
  -- contacts are checked against a history no other worker is adding to.
  shard                integer NOT NULL,
  state                text NOT NULL CHECK (state IN ('planned', 'checked', 'queued', 'sending',
                         'sent', 'delivered', 'failed', 'blocked', 'expired')),
  not_before           timestamptz,
  expires_at           timestamptz NOT NULL,
  attempts             integer NOT NULL DEFAULT 0,
  next_allowed         timestamptz,
  recipient            text,
  language             text,
  subject              text,
  body                 text,
  provider             text,
  provider_message_id  text,
  -- Set by the sending worker right before the provider holds the message.
  claim_token          text,
  handed_over_at       timestamptz,
  sent_at              timestamptz,
  final_at             timestamptz,
  last_reason          text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dispatches_work_idx ON dispatches (shard, state, not_before)
  WHERE state IN ('planned', 'checked', 'queued', 'sending');
CREATE INDEX dispatches_customer_idx ON dispatches (customer_id, planned_for);
CREATE INDEX dispatches_day_idx ON dispatches (planned_for, channel, state);
CREATE INDEX dispatches_provider_idx ON dispatches (provider, provider_message_id);

CREATE TABLE dispatch_events (
  dispatch_id          bigint NOT NULL REFERENCES dispatches (id),
  at                   timestamptz NOT NULL,
  from_state           text,
  to_state             text NOT NULL,
  reason               text,
  provider_message_id  text
);
CREATE INDEX dispatch_events_dispatch_idx ON dispatch_events (dispatch_id, at);

-- Every compliance decision, allowed or denied: the audit trail of contact.
CREATE TABLE compliance_decisions (
  id                bigserial PRIMARY KEY,
  dispatch_id       bigint REFERENCES dispatches (id),
  task_id           bigint,
  customer_id       bigint NOT NULL REFERENCES customers (id),
  channel           text NOT NULL,
  person            text NOT NULL DEFAULT 'debtor',
  stage             text NOT NULL CHECK (stage IN ('plan', 'send', 'call', 'visit', 'manual')),
  proposed_at       timestamptz NOT NULL,
  rule_set          text NOT NULL,
  rule_set_version  integer NOT NULL,
  decision          text NOT NULL CHECK (decision IN ('ALLOW', 'DENY')),
  reasons           jsonb NOT NULL,
  next_allowed      timestamptz,
  decided_by        text NOT NULL
);
CREATE INDEX compliance_decisions_customer_idx ON compliance_decisions (customer_id, proposed_at);
CREATE INDEX compliance_decisions_dispatch_idx ON compliance_decisions (dispatch_id);

-- Every contact attempt, outbound or inbound: what the compliance rules count.
CREATE TABLE contact_attempts (
  id           bigserial PRIMARY KEY,
  customer_id  bigint NOT NULL REFERENCES customers (id),
  account_id   bigint REFERENCES accounts (id),
  dispatch_id  bigint REFERENCES dispatches (id),
  task_id      bigint,
  decision_id  bigint REFERENCES compliance_decisions (id),
  ts           timestamptz NOT NULL,
  channel      text NOT NULL CHECK (channel IN ('phone', 'sms', 'email', 'letter', 'field_visit')),
  direction    text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  outcome      text NOT NULL,
  person       text NOT NULL DEFAULT 'debtor' CHECK (person IN ('debtor', 'third_party')),
  address      text,
  by_user      text,
  notes        text,
  latitude     numeric(8, 5),
  longitude    numeric(8, 5),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_attempts_customer_idx ON contact_attempts (customer_id, ts);
CREATE INDEX contact_attempts_ts_idx ON contact_attempts (ts);
CREATE UNIQUE INDEX contact_attempts_dispatch_idx ON contact_attempts (dispatch_id)
  WHERE dispatch_id IS NOT NULL AND task_id IS NULL;

-- Letters as printed: the PDF, kept for download and for the print run.
CREATE TABLE letters (
  dispatch_id  bigint PRIMARY KEY REFERENCES dispatches (id),
  pdf          bytea NOT NULL,
  pages        integer NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- Call and visit tasks: a phone or field-visit dispatch becomes work for a person.
CREATE TABLE tasks (
  id               bigserial PRIMARY KEY,
  dispatch_id      bigint NOT NULL UNIQUE REFERENCES dispatches (id),
  kind             text NOT NULL CHECK (kind IN ('call', 'visit')),
  account_id       bigint NOT NULL REFERENCES accounts (id),
  customer_id      bigint NOT NULL REFERENCES customers (id),
  queue            text NOT NULL,
  priority         integer NOT NULL,
  due_on           date NOT NULL,
  state            text NOT NULL CHECK (state IN ('open', 'assigned', 'in_progress', 'done',
                     'expired', 'blocked', 'unassigned')),
  assignee         text,
  route_seq        integer,
  planned_arrival  integer,
  reason           text,
  started_at       timestamptz,
  outcome          text,
  outcome_at       timestamptz,
  notes            text,
  latitude         numeric(8, 5),
  longitude        numeric(8, 5),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_queue_idx ON tasks (kind, state, due_on, priority DESC);
CREATE INDEX tasks_assignee_idx ON tasks (assignee, due_on);

CREATE TABLE field_agents (
  id           text PRIMARY KEY,
  name         text NOT NULL,
  territory    text NOT NULL,
  capacity     integer NOT NULL CHECK (capacity >= 0),
  base_lat     numeric(8, 5) NOT NULL,
  base_lon     numeric(8, 5) NOT NULL,
  -- Customers within this distance of the base belong to the territory.
  radius_km    integer NOT NULL DEFAULT 50,
  shift_start  integer NOT NULL DEFAULT 540,
  shift_end    integer NOT NULL DEFAULT 1080,
  languages    text[] NOT NULL DEFAULT '{}',
  active       boolean NOT NULL DEFAULT true
);

-- Messages customers sent us (SMS replies), with what Recoup did with them.
CREATE TABLE inbound_messages (
  id           bigserial PRIMARY KEY,
  provider     text NOT NULL,
  from_number  text NOT NULL,
  to_number    text,
  text         text NOT NULL,
  received_at  timestamptz NOT NULL,
  customer_id  bigint REFERENCES customers (id),
  action       text NOT NULL
);

-- Public holidays on which the rule sets' holiday rule stops contact (official calendars).
INSERT INTO contact_calendar (jurisdiction, day, kind, name) VALUES
  ('US', '2026-01-01', 'holiday', 'New Year''s Day'),
  ('US', '2026-01-19', 'holiday', 'Martin Luther King Jr. Day'),
  ('US', '2026-02-16', 'holiday', 'Washington''s Birthday'),
  ('US', '2026-05-25', 'holiday', 'Memorial Day'),
  ('US', '2026-06-19', 'holiday', 'Juneteenth'),
  ('US', '2026-07-03', 'holiday', 'Independence Day (observed)'),
  ('US', '2026-09-07', 'holiday', 'Labor Day'),
  ('US', '2026-10-12', 'holiday', 'Columbus Day'),
  ('US', '2026-11-11', 'holiday', 'Veterans Day'),
  ('US', '2026-11-26', 'holiday', 'Thanksgiving Day'),
  ('US', '2026-12-25', 'holiday', 'Christmas Day'),
  ('US', '2027-01-01', 'holiday', 'New Year''s Day'),
  ('US', '2027-01-18', 'holiday', 'Martin Luther King Jr. Day'),
  ('US', '2027-02-15', 'holiday', 'Washington''s Birthday'),
  ('US', '2027-05-31', 'holiday', 'Memorial Day'),
  ('US', '2027-06-18', 'holiday', 'Juneteenth (observed)'),
  ('US', '2027-07-05', 'holiday', 'Independence Day (observed)'),
  ('US', '2027-09-06', 'holiday', 'Labor Day'),
  ('US', '2027-10-11', 'holiday', 'Columbus Day'),
  ('US', '2027-11-11', 'holiday', 'Veterans Day'),
  ('US', '2027-11-25', 'holiday', 'Thanksgiving Day'),
  ('US', '2027-12-24', 'holiday', 'Christmas Day (observed)'),
  ('CN', '2026-01-01', 'holiday', '元旦'),
  ('CN', '2026-02-16', 'holiday', '春节'),
  ('CN', '2026-02-17', 'holiday', '春节'),
  ('CN', '2026-02-18', 'holiday', '春节'),
  ('CN', '2026-02-19', 'holiday', '春节'),
  ('CN', '2026-02-20', 'holiday', '春节'),
  ('CN', '2026-04-05', 'holiday', '清明节'),
  ('CN', '2026-05-01', 'holiday', '劳动节'),
  ('CN', '2026-06-19', 'holiday', '端午节'),
  ('CN', '2026-09-25', 'holiday', '中秋节'),
  ('CN', '2026-10-01', 'holiday', '国庆节'),
  ('CN', '2026-10-02', 'holiday', '国庆节'),
  ('CN', '2026-10-03', 'holiday', '国庆节'),
  ('CN', '2027-01-01', 'holiday', '元旦'),
  ('CN', '2027-02-06', 'holiday', '春节'),
  ('CN', '2027-02-07', 'holiday', '春节'),
  ('CN', '2027-02-08', 'holiday', '春节'),
  ('CN', '2027-02-09', 'holiday', '春节'),
  ('CN', '2027-04-05', 'holiday', '清明节'),
  ('CN', '2027-05-01', 'holiday', '劳动节'),
  ('CN', '2027-06-09', 'holiday', '端午节'),
  ('CN', '2027-09-15', 'holiday', '中秋节'),
  ('CN', '2027-10-01', 'holiday', '国庆节'),
  ('CN', '2027-10-02', 'holiday', '国庆节'),
  ('CN', '2027-10-03', 'holiday', '国庆节'),
  ('UK', '2026-01-01', 'holiday', 'New Year''s Day'),
  ('UK', '2026-04-03', 'holiday', 'Good Friday'),
  ('UK', '2026-04-06', 'holiday', 'Easter Monday'),
  ('UK', '2026-05-04', 'holiday', 'Early May bank holiday'),
  ('UK', '2026-05-25', 'holiday', 'Spring bank holiday'),
  ('UK', '2026-08-31', 'holiday', 'Summer bank holiday'),
  ('UK', '2026-12-25', 'holiday', 'Christmas Day'),
  ('UK', '2026-12-28', 'holiday', 'Boxing Day (substitute day)'),
  ('UK', '2027-01-01', 'holiday', 'New Year''s Day'),
  ('UK', '2027-03-26', 'holiday', 'Good Friday'),
  ('UK', '2027-03-29', 'holiday', 'Easter Monday'),
  ('UK', '2027-05-03', 'holiday', 'Early May bank holiday'),
  ('UK', '2027-05-31', 'holiday', 'Spring bank holiday'),
  ('UK', '2027-08-30', 'holiday', 'Summer bank holiday'),
  ('UK', '2027-12-27', 'holiday', 'Christmas Day (substitute day)'),
  ('UK', '2027-12-28', 'holiday', 'Boxing Day (substitute day)');

-- Message templates saved by users, per channel and language, in versions; they take the place
-- of the shipped catalogue's template of the same id. Checked before they are saved.
CREATE TABLE message_templates (
  id          text NOT NULL,
  channel     text NOT NULL CHECK (channel IN ('sms', 'email', 'letter')),
  language    text NOT NULL,
  version     integer NOT NULL,
  subject     text,
  body        text NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, channel, language, version)
);
