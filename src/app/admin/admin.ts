/**
 * Administration over the API: teams with their supervisor and members, the field agents'
 * territories, the contact calendars (holidays and quiet days the contact rules refuse), and the
 * rule sets in force with the customers each governs. Each input is checked whole and every
 * problem named by its field before anything is written.
 */
import { hhmm, ruleSetCatalogue } from '../../domain/compliance/catalogue.ts';
import { isLocalDate } from '../../domain/time/date.ts';
import { invalid, type ErrorDetail } from '../shared/errors.ts';
import type { AdminStore, CalendarDay, TeamWithMembers, TerritoryAgent } from './ports.ts';

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const JURISDICTION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

type Row = Record<string, unknown>;

const text = (d: ErrorDetail[], at: string, v: unknown, max = 200): string => {
  if (typeof v !== 'string' || v.trim() === '' || v.length > max) {
    d.push({ at, reason: `must be text of 1 to ${max} characters` });
    return '';
  }
  return v.trim();
};
const id = (d: ErrorDetail[], at: string, v: unknown): string => {
  if (typeof v !== 'string' || !ID.test(v)) {
    d.push({ at, reason: 'must be an id (letters, digits, _ . -; up to 64)' });
    return '';
  }
  return v;
};
const int = (d: ErrorDetail[], at: string, v: unknown, min: number, max: number): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    d.push({ at, reason: `must be a whole number from ${min} to ${max}` });
    return min;
  }
  return v;
};
const num = (d: ErrorDetail[], at: string, v: unknown, min: number, max: number): number => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    d.push({ at, reason: `must be a number from ${min} to ${max}` });
    return 0;
  }
  return v;
};
function unique(d: ErrorDetail[], at: (i: number) => string, keys: string[], what: string) {
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    if (k !== '' && seen.has(k)) d.push({ at: at(i), reason: `${what} ${k} is given twice` });
    seen.add(k);
  });
}
const fail = (what: string, d: ErrorDetail[]) => {
  if (d.length > 0) throw invalid(what, d);
};

export async function ruleSetsInForce(store: AdminStore) {
  const [customers, calendars] = await Promise.all([
    store.customersByJurisdiction(),
    store.calendars(),
  ]);
  const c = ruleSetCatalogue(customers);
  return {
    ...c,
    calendars: Object.fromEntries(
      Object.entries(calendars).map(([j, days]) => [
        j,
        { days: days.length, from: days[0]?.day ?? null, to: days.at(-1)?.day ?? null },
      ]),
    ),
  };
}

export async function replaceTeams(store: AdminStore, body: { teams: Row[] }) {
  const d: ErrorDetail[] = [];
  const teams: TeamWithMembers[] = body.teams.map((t, i) => {
    const at = `body.teams[${i}]`;
    const members = t.members ?? [];
    if (!Array.isArray(members)) d.push({ at: `${at}.members`, reason: 'must be a list of ids' });
    const sup = t.supervisor ?? null;
    return {
      id: id(d, `${at}.id`, t.id),
      name: text(d, `${at}.name`, t.name),
      supervisor: sup === null ? null : text(d, `${at}.supervisor`, sup),
      members: Array.isArray(members) ? members.map((m, k) => id(d, `${at}.members[${k}]`, m)) : [],
    };
  });
  unique(
    d,
    (i) => `body.teams[${i}].id`,
    teams.map((t) => t.id),
    'team',
  );
  const all = teams.flatMap((t) => t.members);
  const where = teams.flatMap((t, i) => t.members.map((_, k) => `body.teams[${i}].members[${k}]`));
  unique(d, (i) => where[i]!, all, 'collector');
  const known = new Set(await store.knownCollectors(all.filter((m) => m !== '')));
  all.forEach((m, i) => {
    if (m !== '' && !known.has(m)) d.push({ at: where[i]!, reason: `no collector ${m}` });
  });
  fail('the teams are not valid', d);
  await store.saveTeams(teams);
  return { teams: await store.teams() };
}

const minutesOf = (d: ErrorDetail[], at: string, v: unknown): number => {
  if (typeof v !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(v)) {
    d.push({ at, reason: 'must be a time HH:MM' });
    return 0;
  }
  return Number(v.slice(0, 2)) * 60 + Number(v.slice(3));
};

export async function replaceTerritories(store: AdminStore, body: { agents: Row[] }) {
  const d: ErrorDetail[] = [];
  const agents: TerritoryAgent[] = body.agents.map((a, i) => {
    const at = `body.agents[${i}]`;
    const languages = a.languages ?? [];
    if (!Array.isArray(languages) || languages.some((l) => typeof l !== 'string'))
      d.push({ at: `${at}.languages`, reason: 'must be a list of language tags' });
    const base = (a.base ?? {}) as Row;
    const shiftStart = minutesOf(d, `${at}.shiftStart`, a.shiftStart ?? '09:00');
    const shiftEnd = minutesOf(d, `${at}.shiftEnd`, a.shiftEnd ?? '18:00');
    if (shiftEnd <= shiftStart)
      d.push({ at: `${at}.shiftEnd`, reason: 'must be after shiftStart' });
    return {
      id: id(d, `${at}.id`, a.id),
      name: text(d, `${at}.name`, a.name),
      territory: id(d, `${at}.territory`, a.territory),
      capacity: int(d, `${at}.capacity`, a.capacity, 0, 100),
      baseLat: num(d, `${at}.base.lat`, base.lat, -90, 90),
      baseLon: num(d, `${at}.base.lon`, base.lon, -180, 180),
      radiusKm: int(d, `${at}.radiusKm`, a.radiusKm ?? 50, 1, 1000),
      shiftStart,
      shiftEnd,
      languages: Array.isArray(languages) ? languages.map(String) : [],
      active: a.active === undefined ? true : a.active === true,
    };
  });
  unique(
    d,
    (i) => `body.agents[${i}].id`,
    agents.map((a) => a.id),
    'agent',
  );
  fail('the territories are not valid', d);
  await store.replaceAgents(agents);
  return territories(store);
}

export async function territories(store: AdminStore) {
  const byTerritory = new Map<string, TerritoryAgent[]>();
  for (const a of await store.agents())
    byTerritory.set(a.territory, [...(byTerritory.get(a.territory) ?? []), a]);
  return {
    territories: [...byTerritory].map(([territory, agents]) => ({
      territory,
      capacity: agents.filter((a) => a.active).reduce((n, a) => n + a.capacity, 0),
      agents: agents.map((a) => ({
        id: a.id,
        name: a.name,
        capacity: a.capacity,
        base: { lat: a.baseLat, lon: a.baseLon },
        radiusKm: a.radiusKm,
        shiftStart: hhmm(a.shiftStart),
        shiftEnd: hhmm(a.shiftEnd),
        languages: a.languages,
        active: a.active,
      })),
    })),
  };
}

export function jurisdictionOrThrow(j: string): string {
  const up = j.toUpperCase();
  if (!JURISDICTION.test(up))
    throw invalid('the jurisdiction is not valid', [
      {
        at: 'params.jurisdiction',
        reason: `"${j}" is not a jurisdiction code (US, CN, UK, US-NY)`,
      },
    ]);
  return up;
}

export async function replaceCalendar(
  store: AdminStore,
  jurisdiction: string,
  body: { days: Row[] },
) {
  const j = jurisdictionOrThrow(jurisdiction);
  const d: ErrorDetail[] = [];
  const days: CalendarDay[] = body.days.map((x, i) => {
    const at = `body.days[${i}]`;
    const day = typeof x.day === 'string' && isLocalDate(x.day) ? x.day : '';
    if (day === '') d.push({ at: `${at}.day`, reason: 'is not a date (YYYY-MM-DD)' });
    if (x.kind !== 'holiday' && x.kind !== 'quiet')
      d.push({ at: `${at}.kind`, reason: 'must be holiday or quiet' });
    return {
      day,
      kind: x.kind === 'quiet' ? 'quiet' : 'holiday',
      name: text(d, `${at}.name`, x.name),
    };
  });
  unique(
    d,
    (i) => `body.days[${i}].day`,
    days.map((x) => x.day),
    'day',
  );
  fail('the calendar is not valid', d);
  await store.replaceCalendar(j, days);
  return { jurisdiction: j, days: (await store.calendars())[j] ?? [] };
}
