/**
 * Field visits, part two: which field agent visits which customer on a day.
 *
 * A visit may go only to an agent of its territory who speaks the customer's language (when
 * the visit names one and the agent lists languages; an agent who lists none is not limited)
 * and has every skill the visit needs (skills must be listed). Languages and skills are
 * compared trimmed and case-insensitively.
 *
 * The heuristic, in three steps:
 *
 * 1. Assign. Visits are taken highest priority first (ties by id). Each goes to the able agent
 *    with room left whose cluster is nearest: the distance from the visit to the nearest of the
 *    agent's base and the visits the agent already has. Ties go to the agent with fewer visits,
 *    then the smaller id. An agent has room when under its capacity (visits per day) and when
 *    an estimate of its day still fits its shift: service minutes plus the travel time of the
 *    cluster's links (each visit's distance to the point it joined), or of twice the farthest
 *    visit from base when that is more and the day returns to base. The estimate is a little
 *    optimistic on purpose; routing trims the day exactly, dropping the lowest priority first.
 *    Balance comes from capacity and the estimate: when the nearest agent's day is full the
 *    next nearest takes over; when there is more room than work, the nearest agent keeps its
 *    area rather than sharing it out.
 * 2. Route. Each agent's visits are ordered and scheduled by `routeDay`. Visits it drops (time
 *    windows, shift end) lose their place.
 * 3. Fill. Visits left without a place for lack of capacity or time, or dropped by routing, are
 *    tried again, highest priority first, at each able agent with room left, nearest first
 *    (not the agent that dropped it): added where the day still fits (`tryInsertStop`).
 *
 * Visits still without an agent are returned with a reason. Deterministic: the result does not
 * depend on the order of the input (except which of two visits with the same id is kept: the
 * first).
 */
import {
  compareIds,
  EARTH_RADIUS_METRES,
  haversineMetres,
  isValidLatLon,
  routeDay,
  stopError,
  travelModel,
  tryInsertStop,
  type DayRoute,
  type LatLon,
  type RouteEnd,
  type RouteRequest,
  type Stop,
  type TimeWindow,
  type TravelModel,
} from './routing.ts';

export interface FieldAgent {
  id: string;
  territory: string;
  /** Most visits in a day. */
  capacity: number;
  base: LatLon;
  /** Minutes of the day. */
  shiftStart: number;
  shiftEnd: number;
  skills?: readonly string[];
  /** Languages spoken; none listed means the agent is not limited by language. */
  languages?: readonly string[];
  /** Where the agent's day ends; default the plan's `end`, else back to base. */
  end?: RouteEnd;
}

export interface FieldVisit extends LatLon {
  id: string;
  territory: string;
  /** Higher is more important. */
  priority: number;
  serviceMinutes: number;
  /** The customer's language, e.g. `zh`. */
  language?: string;
  /** Skills the visit needs, all of them. */
  skills?: readonly string[];
  window?: TimeWindow;
}

export interface PlanOptions {
  travel?: Partial<TravelModel>;
  /** Where agents' days end unless the agent says otherwise; default back to base. */
  end?: RouteEnd;
}

/**
 * Why a visit has no agent: `invalid` (no id or territory, a bad location, service time,
 * priority or window), `duplicate` (a repeated id), `no-agent` (nobody covers the territory),
 * `language` / `skill` (nobody there speaks it / has them), `capacity` (the able agents' visits
 * per day are used up), `time` (an able agent had a place but not the time), `window` /
 * `shift-end` (it did not fit the day of the agent named in `agentId`, nor anyone else's).
 */
export type UnassignedCode =
  | 'invalid'
  | 'duplicate'
  | 'no-agent'
  | 'language'
  | 'skill'
  | 'capacity'
  | 'time'
  | 'window'
  | 'shift-end';

export interface UnassignedVisit {
  id: string;
  territory: string;
  priority: number;
  code: UnassignedCode;
  reason: string;
  /** For `window` and `shift-end`: the agent whose day it did not fit. */
  agentId?: string;
}

export interface Assignment {
  /** Every agent, by id, with the visits given to it, in the order they were given. */
  visitsByAgent: Map<string, FieldVisit[]>;
  /** Highest priority first, then by id. */
  unassigned: UnassignedVisit[];
}

export interface AgentDay {
  agentId: string;
  territory: string;
  /**
   * The agent's day. `route.dropped` lists the visits given to this agent that did not fit
   * (and that no other agent took); they are also in the plan's `unassigned`.
   */
  route: DayRoute;
}

export interface FieldDayPlan {
  /** Every agent, sorted by id. */
  agents: AgentDay[];
  /** Visits nobody will make, highest priority first, then by id. */
  unassigned: UnassignedVisit[];
}

const MINUTE_EPS = 1e-6;
const RAD = Math.PI / 180;

const norm = (s: string): string => s.trim().toLowerCase();

interface AgentState {
  agent: FieldAgent;
  langs: Set<string> | null;
  skills: Set<string>;
  capacity: number;
  shiftMinutes: number;
  returns: boolean;
  end: RouteEnd;
  visits: FieldVisit[];
  /** Base then visits: latitude and longitude in radians, cos(latitude), three per point. */
  points: number[];
  linkMetres: number;
  farthestMetres: number;
  serviceMinutes: number;
}

/** Haversine term sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2), monotone in the distance. */
function havTerm(points: number[], i: number, lat: number, lon: number, cos: number): number {
  const a = Math.sin((lat - points[i]!) / 2);
  const b = Math.sin((lon - points[i + 1]!) / 2);
  return a * a + points[i + 2]! * cos * b * b;
}

function havMetres(term: number): number {
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(term)));
}

function visitError(v: FieldVisit): string | null {
  if (typeof v.territory !== 'string') return 'has no territory';
  return stopError(v);
}

function toStop(v: FieldVisit): Stop {
  return {
    id: v.id,
    lat: v.lat,
    lon: v.lon,
    serviceMinutes: v.serviceMinutes,
    priority: v.priority,
    ...(v.window ? { window: v.window } : {}),
  };
}

function byPriority(
  a: { priority: number; id: string },
  b: { priority: number; id: string },
): number {
  return b.priority - a.priority || compareIds(a.id, b.id);
}

function agentStates(agents: readonly FieldAgent[], options: PlanOptions): AgentState[] {
  const seen = new Set<string>();
  const states: AgentState[] = [];
  for (const agent of agents) {
    if (typeof agent.id !== 'string' || agent.id === '')
      throw new RangeError('a field agent has no id');
    if (seen.has(agent.id)) throw new RangeError(`field agent ${agent.id} appears more than once`);
    seen.add(agent.id);
    if (!isValidLatLon(agent.base))
      throw new RangeError(`field agent ${agent.id} has no valid base location`);
    if (!Number.isFinite(agent.capacity) || agent.capacity < 0)
      throw new RangeError(`field agent ${agent.id} has an invalid capacity ${agent.capacity}`);
    if (!Number.isFinite(agent.shiftStart) || !Number.isFinite(agent.shiftEnd))
      throw new RangeError(`field agent ${agent.id} has an invalid shift`);
    const end = agent.end ?? options.end ?? 'return';
    const lat = agent.base.lat * RAD;
    states.push({
      agent,
      langs:
        agent.languages && agent.languages.length > 0 ? new Set(agent.languages.map(norm)) : null,
      skills: new Set((agent.skills ?? []).map(norm)),
      capacity: Math.floor(agent.capacity),
      shiftMinutes: agent.shiftEnd - agent.shiftStart,
      returns: end === 'return',
      end,
      visits: [],
      points: [lat, agent.base.lon * RAD, Math.cos(lat)],
      linkMetres: 0,
      farthestMetres: 0,
      serviceMinutes: 0,
    });
  }
  return states.sort((a, b) => compareIds(a.agent.id, b.agent.id));
}

interface Eligibility {
  able: AgentState[];
  /** Why no agent is able, when none is. */
  refusal?: { code: UnassignedCode; reason: string };
  /** For a capacity reason: who the able agents are, when not everyone in the territory. */
  qualifier: string;
}

function eligibility(v: FieldVisit, byTerritory: ReadonlyMap<string, AgentState[]>): Eligibility {
  const all = byTerritory.get(v.territory) ?? [];
  if (all.length === 0) {
    return {
      able: [],
      qualifier: '',
      refusal: { code: 'no-agent', reason: `no field agent covers territory ${v.territory}` },
    };
  }
  const lang = typeof v.language === 'string' && v.language.trim() !== '' ? norm(v.language) : null;
  const speaking = lang ? all.filter((a) => !a.langs || a.langs.has(lang)) : all;
  if (speaking.length === 0) {
    return {
      able: [],
      qualifier: '',
      refusal: {
        code: 'language',
        reason: `no agent speaks ${v.language!.trim()} in territory ${v.territory}`,
      },
    };
  }
  const needs = (v.skills ?? []).map(norm).filter((s) => s !== '');
  const able = speaking.filter((a) => needs.every((s) => a.skills.has(s)));
  const qualifiers: string[] = [];
  if (speaking.length < all.length) qualifiers.push(`speaking ${v.language!.trim()}`);
  if (able.length < speaking.length)
    qualifiers.push(`with the skill${needs.length > 1 ? 's' : ''} ${needs.join(', ')}`);
  const qualifier = qualifiers.join(' and ');
  if (able.length === 0) {
    return {
      able,
      qualifier,
      refusal: {
        code: 'skill',
        reason:
          `no agent in territory ${v.territory}` +
          (lang ? ` speaking ${v.language!.trim()}` : '') +
          ` has the skill${needs.length > 1 ? 's' : ''} ${needs.join(', ')}`,
      },
    };
  }
  return { able, qualifier };
}

function capacityReason(v: FieldVisit, qualifier: string): string {
  return (
    `capacity of territory ${v.territory} is full` + (qualifier ? ` for agents ${qualifier}` : '')
  );
}

function timeReason(v: FieldVisit): string {
  return `no time left in the shifts of territory ${v.territory}`;
}

function unassigned(
  v: FieldVisit,
  code: UnassignedCode,
  reason: string,
  agentId?: string,
): UnassignedVisit {
  return {
    id: String(v.id),
    territory: v.territory,
    priority: v.priority,
    code,
    reason,
    ...(agentId !== undefined ? { agentId } : {}),
  };
}

interface Prepared {
  states: AgentState[];
  byTerritory: Map<string, AgentState[]>;
  /** The valid visits, first of each id, by id. */
  valid: Map<string, FieldVisit>;
  assignment: Assignment;
}

function assign(
  agents: readonly FieldAgent[],
  visits: readonly FieldVisit[],
  options: PlanOptions,
): Prepared {
  const model = travelModel(options.travel);
  const mpm = (model.roadFactor * 60) / (model.speedKmh * 1000);
  const states = agentStates(agents, options);
  const byTerritory = new Map<string, AgentState[]>();
  for (const s of states) {
    const list = byTerritory.get(s.agent.territory);
    if (list) list.push(s);
    else byTerritory.set(s.agent.territory, [s]);
  }
  const out: UnassignedVisit[] = [];
  const seen = new Set<string>();
  const todo: FieldVisit[] = [];
  for (const v of visits) {
    const bad = visitError(v);
    if (bad) out.push(unassigned(v, 'invalid', `visit ${bad}`));
    else if (seen.has(v.id))
      out.push(unassigned(v, 'duplicate', `visit ${v.id} appears more than once`));
    else {
      seen.add(v.id);
      todo.push(v);
    }
  }
  todo.sort(byPriority);

  for (const v of todo) {
    const e = eligibility(v, byTerritory);
    if (e.refusal) {
      out.push(unassigned(v, e.refusal.code, e.refusal.reason));
      continue;
    }
    const lat = v.lat * RAD;
    const lon = v.lon * RAD;
    const cos = Math.cos(lat);
    let best: AgentState | null = null;
    let bestTerm = Infinity;
    let bestBase = 0;
    let roomInCount = false;
    for (const a of e.able) {
      if (a.visits.length >= a.capacity) continue;
      roomInCount = true;
      const baseTerm = havTerm(a.points, 0, lat, lon, cos);
      let term = baseTerm;
      for (let i = 3; i < a.points.length; i += 3) {
        const t = havTerm(a.points, i, lat, lon, cos);
        if (t < term) term = t;
      }
      const link = a.linkMetres + havMetres(term);
      const far = Math.max(a.farthestMetres, havMetres(baseTerm));
      const travel = a.returns ? Math.max(link, 2 * far) : link;
      const estimate = a.serviceMinutes + v.serviceMinutes + travel * mpm;
      if (estimate > a.shiftMinutes + MINUTE_EPS) continue;
      if (
        !best ||
        term < bestTerm ||
        (term === bestTerm &&
          (a.visits.length < best.visits.length ||
            (a.visits.length === best.visits.length && compareIds(a.agent.id, best.agent.id) < 0)))
      ) {
        best = a;
        bestTerm = term;
        bestBase = baseTerm;
      }
    }
    if (!best) {
      out.push(
        roomInCount
          ? unassigned(v, 'time', timeReason(v))
          : unassigned(v, 'capacity', capacityReason(v, e.qualifier)),
      );
      continue;
    }
    best.visits.push(v);
    best.points.push(lat, lon, cos);
    best.linkMetres += havMetres(bestTerm);
    best.farthestMetres = Math.max(best.farthestMetres, havMetres(bestBase));
    best.serviceMinutes += v.serviceMinutes;
  }
  const visitsByAgent = new Map<string, FieldVisit[]>();
  for (const s of states) visitsByAgent.set(s.agent.id, s.visits);
  return {
    states,
    byTerritory,
    valid: new Map(todo.map((v) => [v.id, v] as const)),
    assignment: { visitsByAgent, unassigned: out.sort(byPriority) },
  };
}

/**
 * Step 1 alone: who gets which visits, by capacity and an estimate of the day's time, before
 * routing. Throws a RangeError on an invalid agent (no id, a repeated id, no valid base, a
 * negative capacity, a shift that is not minutes).
 */
export function assignVisits(
  agents: readonly FieldAgent[],
  visits: readonly FieldVisit[],
  options: PlanOptions = {},
): Assignment {
  return assign(agents, visits, options).assignment;
}

function requestFor(a: AgentState, options: PlanOptions): RouteRequest {
  return {
    start: a.agent.base,
    end: a.end,
    stops: a.visits.map(toStop),
    shiftStart: a.agent.shiftStart,
    shiftEnd: a.agent.shiftEnd,
    ...(options.travel ? { travel: options.travel } : {}),
  };
}

const RETRY_CODES: ReadonlySet<UnassignedCode> = new Set([
  'capacity',
  'time',
  'window',
  'shift-end',
]);

/**
 * Plans a day of field visits: assigns them to agents, routes each agent's day, and fills
 * gaps (see the module comment). Throws like `assignVisits` on an invalid agent.
 */
export function planFieldDay(
  agents: readonly FieldAgent[],
  visits: readonly FieldVisit[],
  options: PlanOptions = {},
): FieldDayPlan {
  const { states, byTerritory, valid, assignment } = assign(agents, visits, options);
  const left: UnassignedVisit[] = [...assignment.unassigned];

  // 2. Route.
  const routes = new Map<string, DayRoute>();
  const requests = new Map<string, RouteRequest>();
  for (const a of states) {
    const route = routeDay(requestFor(a, options));
    if (route.dropped.length > 0) {
      const gone = new Set(route.dropped.map((d) => d.id));
      a.visits = a.visits.filter((v) => !gone.has(v.id));
      for (const d of route.dropped) {
        const v = valid.get(d.id)!;
        left.push(unassigned(v, d.code as UnassignedCode, d.reason, a.agent.id));
      }
    }
    routes.set(a.agent.id, route);
    requests.set(a.agent.id, requestFor(a, options));
  }

  // 3. Fill.
  const placed = new Set<string>();
  const retry = left.filter((u) => RETRY_CODES.has(u.code)).sort(byPriority);
  for (const u of retry) {
    const v = valid.get(u.id)!;
    const stop = toStop(v);
    const withRoom = eligibility(v, byTerritory).able.filter(
      (a) => a.agent.id !== u.agentId && a.visits.length < a.capacity,
    );
    const candidates = withRoom
      .filter((a) => {
        // The day would end at least the service time later, less what waiting absorbs.
        const route = routes.get(a.agent.id)!;
        return route.finish + v.serviceMinutes - route.waitMinutes <= a.agent.shiftEnd + MINUTE_EPS;
      })
      .map((a) => {
        let d = haversineMetres(a.agent.base, v);
        for (const s of routes.get(a.agent.id)!.stops) d = Math.min(d, haversineMetres(s, v));
        return { a, d };
      })
      .sort(
        (x, y) =>
          x.d - y.d ||
          x.a.visits.length - y.a.visits.length ||
          compareIds(x.a.agent.id, y.a.agent.id),
      );
    for (const { a } of candidates) {
      const req = requests.get(a.agent.id)!;
      const next = tryInsertStop(req, routes.get(a.agent.id)!, stop);
      if (next) {
        a.visits.push(v);
        (req.stops as Stop[]).push(stop);
        routes.set(a.agent.id, next);
        placed.add(v.id);
        break;
      }
    }
    // Agents had room in numbers but not in time: say so rather than "capacity".
    if (!placed.has(v.id) && u.code === 'capacity' && withRoom.length > 0) {
      u.code = 'time';
      u.reason = timeReason(v);
    }
  }

  const still = left.filter(
    (u) => !placed.has(u.id) || u.code === 'duplicate' || u.code === 'invalid',
  );
  const dayOf = (a: AgentState): AgentDay => {
    const route = routes.get(a.agent.id)!;
    return {
      agentId: a.agent.id,
      territory: a.agent.territory,
      route: { ...route, dropped: route.dropped.filter((d) => !placed.has(d.id)) },
    };
  };
  return { agents: states.map(dayOf), unassigned: still.sort(byPriority) };
}
