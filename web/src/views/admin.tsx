/**
 * Administration: users (added, renamed, given a role or language, let in or shut out, a new
 * password), API keys for other systems (the secret shown once), collectors and teams, the
 * delinquency buckets of each product and the risk tiers. Settings documents are edited as
 * JSON; the server validates them and its errors are shown in place, by path.
 */
import { useState } from 'react';
import { del, get, patch, post, put, qs } from '../api.ts';
import { JsonEditor } from '../components/json-editor.tsx';
import { Tabs, useTab } from '../components/tabs.tsx';
import {
  Async,
  Card,
  ErrorNote,
  Field,
  Pager,
  Table,
  useAction,
  useLoad,
} from '../components/ui.tsx';
import { useI18n, LOCALES } from '../i18n/index.tsx';
import { useUser } from '../session.ts';
import { ROLES, type Role } from '../../../src/domain/access/roles.ts';

const TABS = [
  'users',
  'keys',
  'teams',
  'collectors',
  'territories',
  'holidays',
  'buckets',
  'tiers',
  'channels',
] as const;
type Tab = (typeof TABS)[number];

export default function AdminView() {
  const { t } = useI18n();
  const tab = useTab(TABS);
  return (
    <div data-testid="admin">
      <h1>{t('nav.admin')}</h1>
      <Tabs
        view="admin"
        current={tab}
        tabs={TABS.map((k: Tab) => ({ key: k, label: t(`admin.tab.${k}`) }))}
      />
      {tab === 'users' && <Users />}
      {tab === 'keys' && <Keys />}
      {tab === 'teams' && <Teams />}
      {tab === 'collectors' && <Collectors />}
      {tab === 'territories' && <Territories />}
      {tab === 'holidays' && <Holidays />}
      {tab === 'buckets' && <Buckets />}
      {tab === 'tiers' && <Tiers />}
      {tab === 'channels' && <Channels />}
    </div>
  );
}

function RoleSelect({
  value,
  onChange,
  any,
  testId,
}: {
  value: string;
  onChange: (r: string) => void;
  any?: boolean;
  testId?: string;
}) {
  const { t } = useI18n();
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      {any && <option value="">{t('admin.anyRole')}</option>}
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`role.${r}`)}
        </option>
      ))}
    </select>
  );
}

function LocaleSelect({ value, onChange }: { value: string; onChange: (l: string) => void }) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)}>
      {LOCALES.map((l) => (
        <option key={l} value={l}>
          {l === 'en' ? 'English' : '简体中文'}
        </option>
      ))}
    </select>
  );
}

interface UserRow {
  id: string;
  username: string;
  name: string;
  role: Role;
  locale: string;
  active: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

const USERS_PAGE = 25;

function Users() {
  const { t, tm, dateTime } = useI18n();
  const [role, setRole] = useState('');
  // pages by username: each page starts after the last username of the one before
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const after = cursors[cursors.length - 1];
  const [editing, setEditing] = useState<UserRow | null>(null);
  const list = useLoad(
    () => get<{ users: UserRow[] }>(`/api/users${qs({ role, after, limit: USERS_PAGE + 1 })}`),
    [role, after],
  );
  return (
    <>
      <Card
        title={t('admin.users')}
        actions={
          <Field label={t('common.role')}>
            <RoleSelect
              any
              value={role}
              onChange={(r) => {
                setRole(r);
                setCursors([undefined]);
              }}
            />
          </Field>
        }
      >
        <Async state={list}>
          {(d) => {
            const users = d.users.slice(0, USERS_PAGE);
            return (
              <>
                <Table
                  rows={users}
                  rowKey={(u) => u.id}
                  columns={[
                    {
                      key: 'u',
                      label: t('admin.username'),
                      render: (u) => (
                        <>
                          {u.username}
                          {u.id !== u.username && <span className="muted small"> {u.id}</span>}
                        </>
                      ),
                    },
                    { key: 'n', label: t('common.name'), render: (u) => u.name },
                    { key: 'r', label: t('common.role'), render: (u) => tm(`role.${u.role}`) },
                    {
                      key: 'l',
                      label: t('admin.language'),
                      render: (u) => (u.locale === 'zh-CN' ? '简体中文' : 'English'),
                    },
                    {
                      key: 'a',
                      label: t('common.status'),
                      render: (u) =>
                        u.active ? (
                          <span className="tag good">{t('admin.active')}</span>
                        ) : (
                          <span className="tag bad">{t('admin.inactive')}</span>
                        ),
                    },
                    {
                      key: 'last',
                      label: t('admin.lastLogin'),
                      render: (u) => dateTime(u.lastLoginAt),
                    },
                    {
                      key: 'e',
                      label: '',
                      render: (u) => (
                        <button onClick={() => setEditing(u)} data-testid={`edit-user-${u.id}`}>
                          {t('common.edit')}
                        </button>
                      ),
                    },
                  ]}
                />
                <Pager
                  page={cursors.length}
                  hasNext={d.users.length > USERS_PAGE}
                  onPage={(p) =>
                    p < cursors.length
                      ? setCursors(cursors.slice(0, p))
                      : setCursors([...cursors, users[users.length - 1]!.username])
                  }
                />
              </>
            );
          }}
        </Async>
      </Card>
      {editing && (
        <EditUser
          key={editing.id}
          u={editing}
          onDone={() => {
            setEditing(null);
            list.reload();
          }}
        />
      )}
      <NewUser onCreated={list.reload} />
    </>
  );
}

function EditUser({ u, onDone }: { u: UserRow; onDone: () => void }) {
  const { t } = useI18n();
  const me = useUser();
  const [name, setName] = useState(u.name);
  const [role, setRole] = useState<string>(u.role);
  const [locale, setLocale] = useState(u.locale);
  const [active, setActive] = useState(u.active);
  const [password, setPassword] = useState('');
  const save = useAction(async () => {
    const body: Record<string, unknown> = {};
    if (name !== u.name) body.name = name;
    if (role !== u.role) body.role = role;
    if (locale !== u.locale) body.locale = locale;
    if (active !== u.active) body.active = active;
    if (Object.keys(body).length > 0) await patch(`/api/users/${encodeURIComponent(u.id)}`, body);
    onDone();
  });
  const setPw = useAction(async () => {
    await post(`/api/users/${encodeURIComponent(u.id)}/password`, { password });
    setPassword('');
  });
  return (
    <Card
      title={t('admin.editUser', { name: u.username })}
      actions={<button onClick={onDone}>{t('common.close')}</button>}
    >
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <Field label={t('common.name')}>
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t('common.role')}>
          <RoleSelect value={role} onChange={setRole} testId="edit-role" />
        </Field>
        <Field label={t('admin.language')}>
          <LocaleSelect value={locale} onChange={setLocale} />
        </Field>
        <label className="check">
          <input
            type="checkbox"
            checked={active}
            disabled={u.id === me.id}
            onChange={(e) => setActive(e.target.checked)}
          />
          {t('admin.mayAccess')}
        </label>
        <button type="submit" className="primary" disabled={save.busy} data-testid="save-user">
          {t('common.save')}
        </button>
      </form>
      {save.error && <ErrorNote error={save.error} />}
      <form
        className="form-row"
        style={{ marginTop: '0.75rem' }}
        onSubmit={(e) => {
          e.preventDefault();
          void setPw.run();
        }}
      >
        <Field label={t('admin.newPassword')}>
          <input
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <button type="submit" disabled={!password || setPw.busy}>
          {t('admin.setPassword')}
        </button>
        {setPw.done && <span className="ok">{t('admin.passwordSet')}</span>}
      </form>
      <p className="muted small">{t('admin.passwordNote')}</p>
      {setPw.error && <ErrorNote error={setPw.error} />}
    </Card>
  );
}

function NewUser({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const blank = {
    id: '',
    username: '',
    name: '',
    role: 'collector',
    locale: 'en',
    password: '',
  };
  const [f, setF] = useState(blank);
  const create = useAction(async () => {
    await post('/api/users', {
      username: f.username.trim(),
      name: f.name.trim(),
      role: f.role,
      locale: f.locale,
      ...(f.id.trim() ? { id: f.id.trim() } : {}),
      ...(f.password ? { password: f.password } : {}),
    });
    setF(blank);
    onCreated();
  });
  const set = (k: keyof typeof blank) => (v: string) => setF({ ...f, [k]: v });
  return (
    <Card title={t('admin.newUser')}>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run();
        }}
      >
        <Field label={t('admin.username')}>
          <input
            data-testid="new-username"
            value={f.username}
            onChange={(e) => set('username')(e.target.value)}
          />
        </Field>
        <Field label={t('common.name')}>
          <input value={f.name} onChange={(e) => set('name')(e.target.value)} />
        </Field>
        <Field label={t('common.role')}>
          <RoleSelect value={f.role} onChange={set('role')} />
        </Field>
        <Field label={t('admin.language')}>
          <LocaleSelect value={f.locale} onChange={set('locale')} />
        </Field>
        <Field label={t('admin.deskId')}>
          <input
            value={f.id}
            placeholder={t('admin.deskIdHint')}
            onChange={(e) => set('id')(e.target.value)}
          />
        </Field>
        <Field label={t('admin.password')}>
          <input
            type="password"
            autoComplete="new-password"
            value={f.password}
            onChange={(e) => set('password')(e.target.value)}
          />
        </Field>
        <button
          type="submit"
          className="primary"
          disabled={!f.username.trim() || !f.name.trim() || create.busy}
        >
          {t('common.add')}
        </button>
        {create.done && <span className="ok">{t('common.saved')}</span>}
      </form>
      {create.error && <ErrorNote error={create.error} />}
    </Card>
  );
}

interface ApiKey {
  id: string;
  name: string;
  role: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

function Keys() {
  const { t, tm, dateTime } = useI18n();
  const list = useLoad(() => get<{ keys: ApiKey[] }>('/api/api-keys'), []);
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('analyst');
  const [expires, setExpires] = useState('');
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const create = useAction(async () => {
    const r = await post<{ key: ApiKey; secret: string }>('/api/api-keys', {
      name: name.trim(),
      role,
      ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}),
    });
    setSecret({ name: r.key.name, secret: r.secret });
    setCopied(false);
    setName('');
    list.reload();
  });
  const revoke = useAction(async (k: ApiKey) => {
    if (!confirm(t('admin.revokeConfirm', { name: k.name }))) return;
    await del(`/api/api-keys/${encodeURIComponent(k.id)}`);
    list.reload();
  });
  return (
    <>
      {secret && (
        <div className="secret" role="status" data-testid="key-secret">
          <p>
            <strong>{t('admin.secretOnce', { name: secret.name })}</strong>
          </p>
          <code>{secret.secret}</code>{' '}
          <button
            onClick={() =>
              void navigator.clipboard?.writeText(secret.secret).then(() => setCopied(true))
            }
          >
            {copied ? t('admin.copied') : t('admin.copy')}
          </button>{' '}
          <button onClick={() => setSecret(null)}>{t('admin.secretKept')}</button>
        </div>
      )}
      <Card title={t('admin.keys')}>
        <Async state={list}>
          {(d) => (
            <Table
              rows={d.keys}
              rowKey={(k) => k.id}
              columns={[
                {
                  key: 'n',
                  label: t('common.name'),
                  render: (k) => (
                    <>
                      {k.name} <span className="muted small">{k.id}</span>
                    </>
                  ),
                },
                { key: 'r', label: t('common.role'), render: (k) => tm(`role.${k.role}`) },
                {
                  key: 'c',
                  label: t('admin.created'),
                  render: (k) => `${dateTime(k.createdAt)} · ${k.createdBy}`,
                },
                { key: 'x', label: t('admin.expires'), render: (k) => dateTime(k.expiresAt) },
                { key: 'u', label: t('admin.lastUsed'), render: (k) => dateTime(k.lastUsedAt) },
                {
                  key: 's',
                  label: t('common.status'),
                  render: (k) =>
                    k.revokedAt ? (
                      <span className="tag bad">
                        {t('admin.revoked')} {dateTime(k.revokedAt)}
                      </span>
                    ) : k.expiresAt && k.expiresAt < new Date().toISOString() ? (
                      <span className="tag warn">{t('admin.expired')}</span>
                    ) : (
                      <span className="tag good">{t('admin.active')}</span>
                    ),
                },
                {
                  key: 'a',
                  label: '',
                  render: (k) =>
                    !k.revokedAt && (
                      <button
                        className="danger"
                        disabled={revoke.busy}
                        onClick={() => void revoke.run(k)}
                      >
                        {t('admin.revoke')}
                      </button>
                    ),
                },
              ]}
            />
          )}
        </Async>
        {revoke.error && <ErrorNote error={revoke.error} />}
      </Card>
      <Card title={t('admin.newKey')}>
        <form
          className="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            void create.run();
          }}
        >
          <Field label={t('common.name')}>
            <input
              data-testid="key-name"
              value={name}
              placeholder={t('admin.keyNameHint')}
              onChange={(e) => setName(e.target.value)}
            />
          </Field>
          <Field label={t('common.role')}>
            <RoleSelect value={role} onChange={setRole} />
          </Field>
          <Field label={t('admin.expires')}>
            <input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
          </Field>
          <button
            type="submit"
            className="primary"
            disabled={!name.trim() || create.busy}
            data-testid="create-key"
          >
            {t('admin.createKey')}
          </button>
        </form>
        {create.error && <ErrorNote error={create.error} />}
      </Card>
    </>
  );
}

interface Collector {
  id: string;
  name: string;
  team: string | null;
  queues: string[];
  languages: string[];
  buckets: string[];
  skills: string[];
  territory: string | null;
  capacity: number;
  active: boolean;
}
interface Team {
  id: string;
  name: string;
  supervisor: string | null;
}
type CollectorsDoc = { collectors: Collector[]; teams: Team[] };

function Collectors() {
  const { t, num } = useI18n();
  const doc = useLoad(() => get<CollectorsDoc>('/api/collectors'), []);
  const list = (xs: string[]) => (xs.length ? xs.join(', ') : '—');
  return (
    <Async state={doc}>
      {(d) => (
        <>
          <Card title={t('admin.collectors')}>
            <Table
              rows={d.collectors}
              rowKey={(c) => c.id}
              columns={[
                {
                  key: 'id',
                  label: t('common.name'),
                  render: (c) => (
                    <>
                      {c.name} <span className="muted small">{c.id}</span>
                    </>
                  ),
                },
                { key: 't', label: t('common.team'), render: (c) => c.team ?? '—' },
                { key: 'q', label: t('admin.queues'), render: (c) => list(c.queues) },
                { key: 'l', label: t('admin.languages'), render: (c) => list(c.languages) },
                { key: 'b', label: t('admin.buckets'), render: (c) => list(c.buckets) },
                { key: 's', label: t('admin.skills'), render: (c) => list(c.skills) },
                { key: 'ter', label: t('admin.territory'), render: (c) => c.territory ?? '—' },
                {
                  key: 'cap',
                  label: t('admin.capacity'),
                  num: true,
                  render: (c) => num(c.capacity),
                },
                {
                  key: 'a',
                  label: t('common.status'),
                  render: (c) =>
                    c.active ? (
                      <span className="tag good">{t('admin.active')}</span>
                    ) : (
                      <span className="tag">{t('admin.inactive')}</span>
                    ),
                },
              ]}
            />
          </Card>
          <Card title={t('admin.editCollectors')}>
            <p className="muted small">{t('admin.collectorsNote')}</p>
            <JsonEditor
              label={t('admin.editCollectors')}
              testId="collectors-json"
              rows={14}
              value={{ collectors: d.collectors }}
              onSave={async (body) => {
                await put('/api/collectors', body);
                const fresh = await get<CollectorsDoc>('/api/collectors');
                doc.reload();
                return { collectors: fresh.collectors };
              }}
            />
          </Card>
        </>
      )}
    </Async>
  );
}

interface ProductPolicy {
  waterfall: string[];
  arrearsTolerance: number;
  graceDays: number;
  buckets: { name: string; min: number; max: number | null }[];
}
type LedgerPolicy = Record<string, ProductPolicy>;

function Buckets() {
  const { t, tm, num } = useI18n();
  const doc = useLoad(() => get<LedgerPolicy>('/api/policy'), []);
  return (
    <Async state={doc}>
      {(d) => (
        <div className="grid wide">
          <Card title={t('admin.bucketsByProduct')}>
            <Table
              rows={Object.entries(d)}
              rowKey={([p]) => p}
              columns={[
                { key: 'p', label: t('common.product'), render: ([p]) => tm(`product.${p}`) },
                {
                  key: 'b',
                  label: t('admin.buckets'),
                  render: ([, x]) =>
                    x.buckets.map((b) => (
                      <span key={b.name} className="tag" title={b.name}>
                        {b.name}{' '}
                        <span className="muted">
                          {b.max === null
                            ? t('admin.daysFrom', { min: b.min })
                            : b.min === b.max
                              ? t('admin.daysExactly', { min: b.min })
                              : t('admin.daysRange', { min: b.min, max: b.max })}
                        </span>
                      </span>
                    )),
                },
                {
                  key: 'g',
                  label: t('admin.graceDays'),
                  num: true,
                  render: ([, x]) => num(x.graceDays),
                },
                {
                  key: 'tol',
                  label: t('admin.tolerance'),
                  num: true,
                  render: ([, x]) => num(x.arrearsTolerance),
                },
                {
                  key: 'w',
                  label: t('admin.waterfall'),
                  render: ([, x]) => x.waterfall.join(' → '),
                },
              ]}
            />
            <p className="muted small">{t('admin.bucketsNote')}</p>
          </Card>
          <Card title={t('admin.editPolicy')}>
            <JsonEditor
              label={t('admin.editPolicy')}
              testId="policy-json"
              rows={24}
              value={d}
              onSave={async (body) => {
                const saved = await put<LedgerPolicy>('/api/policy', body);
                doc.reload();
                return saved;
              }}
            />
          </Card>
        </div>
      )}
    </Async>
  );
}

interface Classification {
  purposes: { current: string; pastDue: string };
  tiers: {
    name: string;
    label: Record<string, string>;
    explanation: Record<string, string>;
  }[];
  rules: ({ tier: string } & Record<string, unknown>)[];
}

function Tiers() {
  const { t, locale } = useI18n();
  const doc = useLoad(() => get<Classification>('/api/scoring/classification'), []);
  const text = (x: Record<string, string>) => x[locale] ?? x.en ?? Object.values(x)[0] ?? '';
  return (
    <Async state={doc}>
      {(d) => (
        <div className="grid wide">
          <div>
            <Card
              title={t('admin.tiers')}
              actions={
                <button className="no-print" onClick={() => print()} data-testid="print-tiers">
                  {t('shell.print')}
                </button>
              }
            >
              <p className="muted small">
                {t('admin.purposes', { current: d.purposes.current, pastDue: d.purposes.pastDue })}
              </p>
              <Table
                rows={d.tiers}
                rowKey={(x) => x.name}
                columns={[
                  { key: 'n', label: t('admin.tier'), render: (x) => <strong>{x.name}</strong> },
                  { key: 'l', label: t('common.name'), render: (x) => text(x.label) },
                  {
                    key: 'e',
                    label: t('admin.explanation'),
                    render: (x) => <span className="small">{text(x.explanation)}</span>,
                  },
                ]}
              />
            </Card>
            <Card title={t('admin.tierRules')}>
              <p className="muted small">{t('admin.tierRulesNote')}</p>
              <Table
                rows={d.rules}
                rowKey={(_, i) => i}
                columns={[
                  { key: 'i', label: '#', num: true, render: (r) => d.rules.indexOf(r) + 1 },
                  { key: 't', label: t('admin.tier'), render: (r) => <strong>{r.tier}</strong> },
                  {
                    key: 'c',
                    label: t('admin.when'),
                    render: (r) => {
                      const when = Object.entries(r).filter(([k]) => k !== 'tier');
                      return when.length === 0 ? (
                        <span className="muted">{t('admin.otherwise')}</span>
                      ) : (
                        <code className="small">
                          {when.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')}
                        </code>
                      );
                    },
                  },
                ]}
              />
            </Card>
          </div>
          <Card title={t('admin.editTiers')} className="no-print">
            <JsonEditor
              label={t('admin.editTiers')}
              testId="tiers-json"
              rows={30}
              value={d}
              onSave={async (body) => {
                await put('/api/scoring/classification', body);
                const fresh = await get<Classification>('/api/scoring/classification');
                doc.reload();
                return fresh;
              }}
            />
          </Card>
        </div>
      )}
    </Async>
  );
}

interface TeamWithMembers extends Team {
  members: string[];
}

function Teams() {
  const { t, num } = useI18n();
  const doc = useLoad(() => get<{ teams: TeamWithMembers[] }>('/api/teams'), []);
  return (
    <Async state={doc}>
      {(d) => (
        <div className="grid wide">
          <Card title={t('admin.teams')}>
            <Table
              rows={d.teams}
              rowKey={(x) => x.id}
              columns={[
                {
                  key: 'n',
                  label: t('common.name'),
                  render: (x) => (
                    <>
                      {x.name} <span className="muted small">{x.id}</span>
                    </>
                  ),
                },
                { key: 's', label: t('role.supervisor'), render: (x) => x.supervisor ?? '—' },
                {
                  key: 'm',
                  label: t('admin.members'),
                  render: (x) => x.members.join(', ') || '—',
                },
                {
                  key: 'c',
                  label: t('common.count'),
                  num: true,
                  render: (x) => num(x.members.length),
                },
              ]}
            />
          </Card>
          <Card title={t('admin.editTeams')}>
            <p className="muted small">{t('admin.teamsNote')}</p>
            <JsonEditor
              label={t('admin.editTeams')}
              testId="teams-json"
              rows={16}
              value={d}
              onSave={async (body) => {
                const saved = await put<{ teams: TeamWithMembers[] }>('/api/teams', body);
                doc.reload();
                return saved;
              }}
            />
          </Card>
        </div>
      )}
    </Async>
  );
}

interface Agent {
  id: string;
  name: string;
  capacity: number;
  base: { lat: number; lon: number };
  radiusKm: number;
  shiftStart: string;
  shiftEnd: string;
  languages: string[];
  active: boolean;
}
interface TerritoriesDoc {
  territories: { territory: string; capacity: number; agents: Agent[] }[];
}

/** The territories as the PUT takes them: one row per agent, with its territory. */
const agentsOf = (d: TerritoriesDoc) => ({
  agents: d.territories.flatMap((x) => x.agents.map((a) => ({ ...a, territory: x.territory }))),
});

function Territories() {
  const { t, num } = useI18n();
  const doc = useLoad(() => get<TerritoriesDoc>('/api/territories'), []);
  return (
    <Async state={doc}>
      {(d) => (
        <>
          <Card title={t('admin.territories')}>
            <Table
              rows={agentsOf(d).agents}
              rowKey={(a) => a.id}
              columns={[
                { key: 'ter', label: t('admin.territory'), render: (a) => a.territory },
                {
                  key: 'n',
                  label: t('role.field_agent'),
                  render: (a) => (
                    <>
                      {a.name} <span className="muted small">{a.id}</span>
                    </>
                  ),
                },
                {
                  key: 'b',
                  label: t('admin.base'),
                  render: (a) => `${a.base.lat.toFixed(4)}, ${a.base.lon.toFixed(4)}`,
                },
                {
                  key: 'r',
                  label: t('admin.radius'),
                  num: true,
                  render: (a) => `${num(a.radiusKm)} km`,
                },
                {
                  key: 's',
                  label: t('admin.shift'),
                  render: (a) => `${a.shiftStart}–${a.shiftEnd}`,
                },
                { key: 'l', label: t('admin.languages'), render: (a) => a.languages.join(', ') },
                {
                  key: 'c',
                  label: t('admin.visitsPerDay'),
                  num: true,
                  render: (a) => num(a.capacity),
                },
                {
                  key: 'a',
                  label: t('common.status'),
                  render: (a) =>
                    a.active ? (
                      <span className="tag good">{t('admin.active')}</span>
                    ) : (
                      <span className="tag">{t('admin.inactive')}</span>
                    ),
                },
              ]}
            />
            <p className="muted small">
              {d.territories
                .map(
                  (x) => `${x.territory}: ${t('admin.territoryCapacity', { n: num(x.capacity) })}`,
                )
                .join(' · ')}
            </p>
          </Card>
          <Card title={t('admin.editTerritories')}>
            <p className="muted small">{t('admin.territoriesNote')}</p>
            <JsonEditor
              label={t('admin.editTerritories')}
              testId="territories-json"
              rows={20}
              value={agentsOf(d)}
              onSave={async (body) => {
                const saved = await put<TerritoriesDoc>('/api/territories', body);
                doc.reload();
                return agentsOf(saved);
              }}
            />
          </Card>
        </>
      )}
    </Async>
  );
}

interface Day {
  day: string;
  kind: string;
  name: string;
}

function Holidays() {
  const { t, tm, date } = useI18n();
  const all = useLoad(() => get<{ calendars: Record<string, Day[]> }>('/api/holidays'), []);
  const [picked, setPicked] = useState('');
  const [fresh, setFresh] = useState('');
  return (
    <Async state={all}>
      {(d) => {
        const known = Object.keys(d.calendars).sort();
        const j = picked || known[0] || '';
        const days = d.calendars[j] ?? [];
        return (
          <>
            <div className="toolbar">
              <Field label={t('admin.jurisdiction')}>
                <select value={j} onChange={(e) => setPicked(e.target.value)}>
                  {[...new Set([...known, ...(picked ? [picked] : [])])].map((x) => (
                    <option key={x} value={x}>
                      {x}
                    </option>
                  ))}
                </select>
              </Field>
              <form
                className="form-row"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (fresh.trim()) setPicked(fresh.trim().toUpperCase());
                  setFresh('');
                }}
              >
                <Field label={t('admin.otherJurisdiction')}>
                  <input
                    value={fresh}
                    size={8}
                    placeholder="US-NY"
                    onChange={(e) => setFresh(e.target.value)}
                  />
                </Field>
                <button type="submit">{t('admin.open')}</button>
              </form>
            </div>
            {j && (
              <div className="grid wide" key={j}>
                <Card title={t('admin.calendarOf', { j })}>
                  <Table
                    rows={days}
                    rowKey={(x) => `${x.day}/${x.kind}`}
                    columns={[
                      { key: 'd', label: t('common.date'), render: (x) => date(x.day, 'long') },
                      {
                        key: 'k',
                        label: t('admin.dayKind'),
                        render: (x) => (
                          <span className={x.kind === 'holiday' ? 'tag warn' : 'tag'}>
                            {tm(`admin.dayKind.${x.kind}`)}
                          </span>
                        ),
                      },
                      { key: 'n', label: t('common.name'), render: (x) => x.name },
                    ]}
                  />
                </Card>
                <Card title={t('admin.editCalendar')}>
                  <p className="muted small">{t('admin.calendarNote')}</p>
                  <JsonEditor
                    label={t('admin.editCalendar')}
                    testId="holidays-json"
                    rows={20}
                    value={{ days }}
                    onSave={async (body) => {
                      const saved = await put<{ jurisdiction: string; days: Day[] }>(
                        `/api/holidays/${encodeURIComponent(j)}`,
                        body,
                      );
                      all.reload();
                      return { days: saved.days };
                    }}
                  />
                </Card>
              </div>
            )}
          </>
        );
      }}
    </Async>
  );
}

const CHANNELS = ['sms', 'email', 'letter', 'phone', 'field_visit'] as const;
type ChannelName = (typeof CHANNELS)[number];
interface ChannelsDoc {
  channels: Record<
    ChannelName,
    {
      paused: boolean;
      dailyLimit: number | null;
      gateway: { kind: string; configured: boolean; host?: string; from?: string };
    }
  >;
}

/** Each channel's gateway (from the server's configuration), pause switch and daily limit. */
function Channels() {
  const doc = useLoad(() => get<ChannelsDoc>('/api/channels/settings'), []);
  return <Async state={doc}>{(d) => <ChannelsForm doc={d} onSaved={doc.reload} />}</Async>;
}

function ChannelsForm({ doc, onSaved }: { doc: ChannelsDoc; onSaved: () => void }) {
  const { t, tm } = useI18n();
  const [draft, setDraft] = useState(
    () =>
      Object.fromEntries(
        CHANNELS.map((c) => [
          c,
          {
            paused: doc.channels[c].paused,
            limit: doc.channels[c].dailyLimit === null ? '' : String(doc.channels[c].dailyLimit),
          },
        ]),
      ) as Record<ChannelName, { paused: boolean; limit: string }>,
  );
  const edit = (c: ChannelName, v: Partial<{ paused: boolean; limit: string }>) =>
    setDraft((x) => ({ ...x, [c]: { ...x[c], ...v } }));
  const save = useAction(async () => {
    // A limit that is not a whole number goes as typed: the server names what is wrong with it.
    const limitOf = (s: string) =>
      s.trim() === '' ? null : /^\d+$/.test(s.trim()) ? Number(s) : s;
    await put<ChannelsDoc>('/api/channels/settings', {
      channels: Object.fromEntries(
        CHANNELS.map((c) => [c, { paused: draft[c].paused, dailyLimit: limitOf(draft[c].limit) }]),
      ),
    });
    onSaved();
  });
  return (
    <Card title={t('admin.channels.title')}>
      <p className="muted small">{t('admin.channels.note')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <Table
          rows={CHANNELS}
          rowKey={(c) => c}
          columns={[
            { key: 'c', label: t('admin.channels.channel'), render: (c) => tm(`channel.${c}`) },
            {
              key: 'g',
              label: t('admin.channels.gateway'),
              render: (c) => {
                const g = doc.channels[c].gateway;
                return (
                  <>
                    <span className={g.configured ? 'tag good' : 'tag warn'}>
                      {tm(`admin.channels.kind.${g.kind}`)}
                    </span>{' '}
                    {g.host && <code>{g.host}</code>}
                    {g.from && (
                      <span className="muted small">
                        {' '}
                        {t('admin.channels.from', { from: g.from })}
                      </span>
                    )}
                  </>
                );
              },
            },
            {
              key: 'p',
              label: t('admin.channels.paused'),
              render: (c) => (
                <label className="check">
                  <input
                    type="checkbox"
                    checked={draft[c].paused}
                    data-testid={`channel-paused-${c}`}
                    onChange={(e) => edit(c, { paused: e.target.checked })}
                  />
                  {draft[c].paused ? t('admin.channels.pausedYes') : t('admin.channels.pausedNo')}
                </label>
              ),
            },
            {
              key: 'l',
              label: t('admin.channels.dailyLimit'),
              render: (c) => (
                <input
                  inputMode="numeric"
                  size={8}
                  value={draft[c].limit}
                  placeholder={t('admin.channels.noLimit')}
                  aria-label={t('admin.channels.dailyLimitOf', { channel: tm(`channel.${c}`) })}
                  data-testid={`channel-limit-${c}`}
                  onChange={(e) => edit(c, { limit: e.target.value })}
                />
              ),
            },
          ]}
        />
        <div className="form-row" style={{ marginTop: '0.75rem' }}>
          <button
            type="submit"
            className="primary"
            disabled={save.busy}
            data-testid="save-channels"
          >
            {t('common.save')}
          </button>
          {save.done && <span className="ok">{t('common.saved')}</span>}
        </div>
      </form>
      {save.error && <ErrorNote error={save.error} />}
    </Card>
  );
}
