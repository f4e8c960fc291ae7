-- Monitoring: the alert rules users set on the monitoring numbers and the alerts they fired.
-- The costs per message of each channel are a setting (settings 'monitoring.channel_costs').

CREATE TABLE monitoring_alert_rules (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL,
  metric      text NOT NULL CHECK (metric IN ('roll_rate', 'cure_rate', 'delinquency_rate',
                'compliance_blocks', 'delivery_rate')),
  scope       jsonb NOT NULL DEFAULT '{}',
  comparator  text NOT NULL CHECK (comparator IN ('>', '>=', '<', '<=')),
  threshold   double precision NOT NULL,
  min_base    integer NOT NULL DEFAULT 1 CHECK (min_base >= 1),
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- A rule removed stops firing; its alerts stay.
  deleted_by  text,
  deleted_at  timestamptz,
  -- Set on the rules the demo seeds, so that seeding twice adds nothing.
  seed_key    text UNIQUE
);

-- At most one alert per rule and day: the first time the rule's value passed the threshold.
CREATE TABLE monitoring_alerts (
  id               bigserial PRIMARY KEY,
  rule_id          bigint NOT NULL REFERENCES monitoring_alert_rules (id),
  day              date NOT NULL,
  fired_at         timestamptz NOT NULL,
  value            double precision NOT NULL,
  base             integer NOT NULL,
  message          text NOT NULL,
  acknowledged_by  text,
  acknowledged_at  timestamptz,
  UNIQUE (rule_id, day)
);
CREATE INDEX monitoring_alerts_day_idx ON monitoring_alerts (day);

-- The live stream's change marker reads the latest dispatch event (a delivery receipt) by time.
CREATE INDEX dispatch_events_at_idx ON dispatch_events (at);
