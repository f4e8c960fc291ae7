-- The customer file: every phone and email of a customer, their addresses, what is known of
-- their repayment capacity, tags and notes, each change staff make (before and after, for the
-- timeline), and every view of personal data in full (who, in which role, when, which fields).
--
-- The customers row keeps the primary phone, email and address (the channels read them there);
-- the rows here add the others and what staff know of each. A primary set by staff updates the
-- customers row in the same transaction; a customer imported later has its columns shown as
-- its primary contact points, stored here the first time its file is opened.

CREATE TABLE contact_points (
  id            bigserial PRIMARY KEY,
  customer_id   bigint NOT NULL REFERENCES customers (id),
  kind          text NOT NULL CHECK (kind IN ('phone', 'email')),
  value         text NOT NULL,
  -- what search compares: a phone's digits reversed (a search by the last digits is a prefix
  -- search on them), an email in lower case
  search_key    text NOT NULL,
  type          text NOT NULL CHECK (type IN ('mobile', 'home', 'work', 'other')),
  verified      boolean NOT NULL DEFAULT false,
  consent_on    date,
  opted_out_on  date,
  source        text NOT NULL,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (customer_id, kind, search_key)
);
CREATE INDEX contact_points_search_idx ON contact_points (kind, search_key text_pattern_ops);

CREATE TABLE customer_addresses (
  id            bigserial PRIMARY KEY,
  customer_id   bigint NOT NULL REFERENCES customers (id),
  type          text NOT NULL CHECK (type IN ('home', 'work', 'postal', 'other')),
  line          text NOT NULL,
  latitude      numeric(8, 5),
  longitude     numeric(8, 5),
  source        text NOT NULL,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (customer_id, line)
);

-- Repayment capacity where known: the employer and the income (minor units per period).
CREATE TABLE customer_financials (
  customer_id      bigint PRIMARY KEY REFERENCES customers (id),
  employer         text,
  occupation       text,
  income           bigint CHECK (income >= 0),
  income_currency  char(3),
  income_period    text CHECK (income_period IN ('month', 'year')),
  updated_by       text NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((income IS NULL) = (income_currency IS NULL) AND (income IS NULL) = (income_period IS NULL))
);

CREATE TABLE customer_tags (
  customer_id  bigint NOT NULL REFERENCES customers (id),
  tag          text NOT NULL,
  added_by     text NOT NULL,
  added_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, tag)
);
CREATE INDEX customer_tags_tag_idx ON customer_tags (tag);

CREATE TABLE customer_notes (
  id           bigserial PRIMARY KEY,
  customer_id  bigint NOT NULL REFERENCES customers (id),
  account_id   bigint REFERENCES accounts (id),
  body         text NOT NULL,
  written_by   text NOT NULL,
  written_at   timestamptz NOT NULL,
  removed_by   text,
  removed_at   timestamptz
);
CREATE INDEX customer_notes_customer_idx ON customer_notes (customer_id, written_at);

-- Each change staff made to a file: what it was before and after (null: added, or removed).
CREATE TABLE customer_changes (
  id           bigserial PRIMARY KEY,
  customer_id  bigint NOT NULL REFERENCES customers (id),
  at           timestamptz NOT NULL,
  actor        text NOT NULL,
  role         text NOT NULL,
  subject      text NOT NULL CHECK (subject IN ('contact_point', 'address', 'financials', 'tag', 'note')),
  subject_id   text,
  action       text NOT NULL CHECK (action IN ('added', 'changed', 'removed')),
  before       jsonb,
  after        jsonb
);
CREATE INDEX customer_changes_customer_idx ON customer_changes (customer_id, at);

-- Every time someone saw a customer's personal data in full.
CREATE TABLE personal_data_views (
  id           bigserial PRIMARY KEY,
  customer_id  bigint NOT NULL REFERENCES customers (id),
  at           timestamptz NOT NULL,
  actor        text NOT NULL,
  role         text NOT NULL,
  -- what was seen: the file, or its timeline
  view         text NOT NULL,
  fields       text[] NOT NULL
);
CREATE INDEX personal_data_views_customer_idx ON personal_data_views (customer_id, at);
CREATE INDEX personal_data_views_actor_idx ON personal_data_views (actor, at);

-- Search over a million customers: a phone by its last digits, an email by its beginning, a
-- name by the beginnings of its words; the customer and account ids have their unique indexes.
CREATE INDEX customers_phone_search_idx
  ON customers (reverse(regexp_replace(phone, '[^0-9]', '', 'g')) text_pattern_ops);
CREATE INDEX customers_email_search_idx ON customers (lower(email) text_pattern_ops);
CREATE INDEX customers_name_search_idx ON customers USING gin (to_tsvector('simple', name));
