-- Scoring: the model registry. A model is a scorecard document (JSON, format
-- "recoup-scorecard"), versioned per purpose (1, 2, 3, ... assigned on registration); at most
-- one version per purpose is active, the one the scorer uses.

CREATE TABLE score_models (
  id              bigserial PRIMARY KEY,
  -- What the model scores for, e.g. early_warning or collection.
  purpose         text NOT NULL CHECK (purpose ~ '^[a-z][a-z0-9_]{0,39}$'),
  version         integer NOT NULL CHECK (version >= 1),
  name            text NOT NULL,
  document        jsonb NOT NULL CHECK (jsonb_typeof(document) = 'object'),
  -- The training data's fingerprint (the document's data.fingerprint), when it has one.
  fingerprint     text,
  registered_by   text NOT NULL,
  registered_at   timestamptz NOT NULL DEFAULT now(),
  note            text,
  active          boolean NOT NULL DEFAULT false,
  -- The last activation, and the deactivation that ended it (cleared when activated again).
  activated_by    text,
  activated_at    timestamptz,
  deactivated_by  text,
  deactivated_at  timestamptz,
  UNIQUE (purpose, version),
  CHECK (NOT active OR (activated_by IS NOT NULL AND activated_at IS NOT NULL))
);
-- At most one active model per purpose.
CREATE UNIQUE INDEX score_models_active_idx ON score_models (purpose) WHERE active;
