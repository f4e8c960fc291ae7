/** Administration's tables: teams and members, field agents, contact calendars; set-wise. */
import type {
  AdminStore,
  CalendarDay,
  TeamWithMembers,
  TerritoryAgent,
} from '../../app/admin/ports.ts';
import type { Database } from './sql-client.ts';
import { agentOf, type AgentRow } from './task-store.ts';

const day = (v: unknown): string =>
  v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);

export class SqlAdminStore implements AdminStore {
  constructor(private readonly db: Database) {}

  async customersByJurisdiction(): Promise<Record<string, number>> {
    const r = await this.db.query<{ jurisdiction: string; n: string | number }>(
      'SELECT jurisdiction, count(*) AS n FROM customers GROUP BY jurisdiction ORDER BY jurisdiction',
    );
    return Object.fromEntries(r.rows.map((x) => [x.jurisdiction, Number(x.n)]));
  }

  async teams(): Promise<TeamWithMembers[]> {
    const r = await this.db.query<{
      id: string;
      name: string;
      supervisor: string | null;
      members: string[] | null;
    }>(
      `SELECT t.id, t.name, t.supervisor,
              ARRAY(SELECT c.id FROM collectors c WHERE c.team = t.id ORDER BY c.id) AS members
       FROM teams t ORDER BY t.id`,
    );
    return r.rows.map((t) => ({ ...t, members: t.members ?? [] }));
  }

  async knownCollectors(ids: readonly string[]): Promise<string[]> {
    const r = await this.db.query<{ id: string }>(
      'SELECT id FROM collectors WHERE id = ANY($1::text[])',
      [ids],
    );
    return r.rows.map((x) => x.id);
  }

  saveTeams(teams: readonly TeamWithMembers[]): Promise<void> {
    const json = JSON.stringify(teams);
    return this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO teams (id, name, supervisor)
         SELECT id, name, supervisor FROM jsonb_to_recordset($1::jsonb)
           AS x(id text, name text, supervisor text)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, supervisor = excluded.supervisor`,
        [json],
      );
      // the members given are exactly the team's: others leave it, those given join it
      await tx.query(
        `WITH m AS (SELECT x.id AS team, jsonb_array_elements_text(x.members) AS collector
                    FROM jsonb_to_recordset($1::jsonb) AS x(id text, members jsonb))
         UPDATE collectors c SET team = m.team FROM m WHERE c.id = m.collector`,
        [json],
      );
      await tx.query(
        `UPDATE collectors c SET team = NULL
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, members jsonb)
         WHERE c.team = x.id AND NOT (x.members ? c.id)`,
        [json],
      );
    });
  }

  async agents(): Promise<TerritoryAgent[]> {
    const r = await this.db.query<AgentRow>('SELECT * FROM field_agents ORDER BY territory, id');
    return r.rows.map((a) => ({ ...agentOf(a), active: a.active }));
  }

  replaceAgents(agents: readonly TerritoryAgent[]): Promise<void> {
    return this.db.transaction(async (tx) => {
      const json = JSON.stringify(
        agents.map((a) => ({
          id: a.id,
          name: a.name,
          territory: a.territory,
          capacity: a.capacity,
          base_lat: a.baseLat,
          base_lon: a.baseLon,
          radius_km: a.radiusKm,
          shift_start: a.shiftStart,
          shift_end: a.shiftEnd,
          languages: a.languages,
          active: a.active,
        })),
      );
      await tx.query(
        `INSERT INTO field_agents (id, name, territory, capacity, base_lat, base_lon, radius_km,
           shift_start, shift_end, languages, active)
         SELECT id, name, territory, capacity, base_lat, base_lon, radius_km, shift_start,
                shift_end, ARRAY(SELECT jsonb_array_elements_text(languages)), active
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, name text, territory text,
           capacity integer, base_lat numeric, base_lon numeric, radius_km integer,
           shift_start integer, shift_end integer, languages jsonb, active boolean)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, territory = excluded.territory,
           capacity = excluded.capacity, base_lat = excluded.base_lat,
           base_lon = excluded.base_lon, radius_km = excluded.radius_km,
           shift_start = excluded.shift_start, shift_end = excluded.shift_end,
           languages = excluded.languages, active = excluded.active`,
        [json],
      );
      // agents with visits behind them are kept, made inactive
      await tx.query(
        `UPDATE field_agents SET active = false
         WHERE id NOT IN (SELECT x.id FROM jsonb_to_recordset($1::jsonb) AS x(id text))`,
        [json],
      );
    });
  }

  async calendars(): Promise<Record<string, CalendarDay[]>> {
    const r = await this.db.query<{
      jurisdiction: string;
      day: unknown;
      kind: CalendarDay['kind'];
      name: string;
    }>('SELECT jurisdiction, day, kind, name FROM contact_calendar ORDER BY jurisdiction, day');
    const out: Record<string, CalendarDay[]> = {};
    for (const x of r.rows)
      (out[x.jurisdiction] ??= []).push({ day: day(x.day), kind: x.kind, name: x.name });
    return out;
  }

  replaceCalendar(jurisdiction: string, days: readonly CalendarDay[]): Promise<void> {
    return this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM contact_calendar WHERE jurisdiction = $1', [jurisdiction]);
      await tx.query(
        `INSERT INTO contact_calendar (jurisdiction, day, kind, name)
         SELECT $1, day, kind, name FROM jsonb_to_recordset($2::jsonb)
           AS x(day date, kind text, name text)`,
        [jurisdiction, JSON.stringify(days)],
      );
    });
  }
}
