-- The collector's workspace: the people who call (collectors, in teams), the tasks' queues
-- (fed by the strategies' phone steps, broken promises, callbacks the customer asked for and
-- supervisors), each task's expected value and the hours it may be called in, "next account"
-- locks that expire, the call scripts, and every event of a task (who was given it, when).

CREATE TABLE teams (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  supervisor  text
);

CREATE TABLE collectors (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  team        text REFERENCES teams (id),
  -- the queues it works ('*' for all, 'calls:*' by prefix), languages it speaks (none: any),
  -- buckets (none: any) and skills it is given, the jurisdiction it may call (US covers US-NY)
  queues      text[] NOT NULL DEFAULT '{*}',
  languages   text[] NOT NULL DEFAULT '{}',
  buckets     text[] NOT NULL DEFAULT '{}',
  skills      text[] NOT NULL DEFAULT '{}',
  territory   text,
  -- how many tasks a day it is given in the morning's assignment
  capacity    integer NOT NULL DEFAULT 80 CHECK (capacity >= 0),
  active      boolean NOT NULL DEFAULT true
);

-- A supervisor's choice of collector for an account: its tasks go to that collector.
CREATE TABLE account_owners (
  account_id  bigint PRIMARY KEY REFERENCES accounts (id),
  collector   text NOT NULL REFERENCES collectors (id),
  since       timestamptz NOT NULL,
  by_user     text NOT NULL
);

-- Tasks no longer all come from a dispatch; a review (a plan waiting for approval, a hardship
-- or dispute a customer stated) is work for staff, not a contact.
ALTER TABLE tasks ALTER COLUMN dispatch_id DROP NOT NULL;
ALTER TABLE tasks DROP CONSTRAINT tasks_kind_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_kind_check CHECK (kind IN ('call', 'visit', 'review'));
ALTER TABLE tasks
  ADD COLUMN source text NOT NULL DEFAULT 'strategy'
    CHECK (source IN ('strategy', 'broken_promise', 'broken_plan', 'callback', 'supervisor',
      'review')),
  -- a callback's agreed time; a supervisor's task may have one too
  ADD COLUMN due_at timestamptz,
  ADD COLUMN team text,
  ADD COLUMN segment_id text,
  ADD COLUMN bucket text,
  -- the customer's language and jurisdiction (a collector's territory: US-NY within US)
  ADD COLUMN language text,
  ADD COLUMN territory text,
  ADD COLUMN skill text,
  -- expected value: amount at risk × probability of payment ÷ effort (minor units per hour)
  ADD COLUMN value bigint NOT NULL DEFAULT 0,
  ADD COLUMN amount_at_risk bigint,
  ADD COLUMN pay_probability double precision,
  ADD COLUMN effort_minutes integer,
  -- the hours of its due day it may be called in (the rule set's window in the customer's time)
  ADD COLUMN callable_from timestamptz,
  ADD COLUMN callable_to timestamptz,
  -- skipped for now: not offered again before this instant
  ADD COLUMN not_before timestamptz,
  -- "next account": given to one collector until the lock expires
  ADD COLUMN locked_by text,
  ADD COLUMN locked_until timestamptz,
  ADD COLUMN promise_id bigint,
  ADD COLUMN plan_id bigint,
  ADD COLUMN next_action_on date,
  ADD COLUMN created_by text;

-- An active repayment plan is a reason of its own to leave the treatment path.
ALTER TABLE strategy_path_events DROP CONSTRAINT strategy_path_events_exit_reason_check;
ALTER TABLE strategy_path_events ADD CONSTRAINT strategy_path_events_exit_reason_check
  CHECK (exit_reason IN ('paid_up', 'hold', 'promise', 'plan', 'no_segment'));

-- The queues' reading orders: a collector's own tasks, then the shared pool, by value.
CREATE INDEX tasks_mine_idx ON tasks (assignee, value DESC, id)
  WHERE kind = 'call' AND state IN ('open', 'assigned');
CREATE INDEX tasks_pool_idx ON tasks (value DESC, id)
  WHERE kind = 'call' AND state = 'open' AND assignee IS NULL;
CREATE INDEX tasks_locked_idx ON tasks (locked_by) WHERE locked_by IS NOT NULL;
CREATE INDEX tasks_account_idx ON tasks (account_id, state);
-- one follow-up task per broken promise, one per broken plan, one review per plan
CREATE UNIQUE INDEX tasks_promise_idx ON tasks (promise_id) WHERE source = 'broken_promise';
CREATE UNIQUE INDEX tasks_plan_idx ON tasks (plan_id, source) WHERE plan_id IS NOT NULL;

-- Everything that happened to a task, by whom: given out, released, moved, started, done.
CREATE TABLE task_events (
  id          bigserial PRIMARY KEY,
  task_id     bigint NOT NULL,
  at          timestamptz NOT NULL,
  actor       text NOT NULL,
  action      text NOT NULL CHECK (action IN ('created', 'assigned', 'claimed', 'released',
                'deferred', 'moved', 'started', 'blocked', 'done', 'lock_expired')),
  detail      jsonb
);
CREATE INDEX task_events_task_idx ON task_events (task_id, at);

-- What a collector says on a call, per segment ('*' for any) and language.
CREATE TABLE call_scripts (
  segment     text NOT NULL,
  language    text NOT NULL,
  title       text NOT NULL,
  body        text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (segment, language)
);

INSERT INTO call_scripts (segment, language, title, body) VALUES
  ('*', 'en', 'Payment call',
   'Hello, may I speak with {{customer_name}}? (Anyone else: give only your name and a number to call back; say nothing of the debt.)' || chr(10) ||
   'Once the customer has confirmed who they are: this is {{company_name}} about your account {{account_ref}}. This is an attempt to collect a debt, and any information obtained will be used for that purpose.' || chr(10) ||
   'Your account is {{days_past_due}} days past due with {{amount_due}} overdue; the whole balance is {{outstanding}}.' || chr(10) ||
   'Can you pay {{amount_due}} today? If not, when can you pay, and how much? We can also set up a plan.' || chr(10) ||
   'If you are in financial difficulty or dispute the debt, tell me and we will pause collection while we review it.'),
  ('*', 'zh-CN', '还款沟通',
   '您好，请问是{{customer_name}}本人吗？（非本人接听：只留姓名和回电号码，不得透露任何欠款信息。）' || chr(10) ||
   '确认本人后：我是{{company_name}}的工作人员，来电是关于您尾号{{account_ref}}的账户。' || chr(10) ||
   '您的账户已逾期{{days_past_due}}天，逾期金额{{amount_due}}，剩余欠款{{outstanding}}。' || chr(10) ||
   '请问今天能否还款{{amount_due}}？如果不能，您计划哪天还、还多少？我们也可以为您办理分期。' || chr(10) ||
   '如果您遇到经济困难或对欠款有异议，请告诉我，我们会暂停催收并进行核实。');
