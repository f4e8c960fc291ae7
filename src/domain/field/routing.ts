/**
 * Field visits, part one: distances and the order of one field agent's day.
 *
 * Distances are great-circle (haversine) metres on a spherical Earth; travel time is that
 * distance stretched by a road factor (roads are not straight lines, default 1.3) and driven at
 * an average speed (default 30 km/h, town traffic).
 *
 * Routing a day: the stops are ordered to make the total distance short, from the agent's base
 * to the end point (back to base by default, a fixed point, or an open route that ends at the
 * last stop). Two starting orders are built, nearest neighbour from the base and farthest
 * insertion, and each is improved by local search until no move shortens it: 2-opt (reverse a
 * run of stops) and 3-opt segment moves, which include Or-opt (move a run elsewhere, either way
 * round); the shorter result is kept (the nearest-neighbour one on a tie), so the day is never
 * longer than nearest neighbour alone. When stops have time windows, a second local search
 * with the same moves minimises (minutes late + minutes past the shift end, then distance), so
 * that a stop with an early window is moved forward when that makes it.
 *
 * The schedule then starts at the shift start: travel, wait when a stop's window has not opened
 * yet, serve. A window is the time service may start, both ends included. When a stop would be
 * reached after its window closes, one stop is dropped: the lowest-priority one among the late
 * stop and the earlier stops whose removal alone would let it be on time (ties: the latest in
 * the route, so the late stop itself before the ones ahead of it). When the day would end after
 * the shift end (back at the end point, or done at the last stop of an open route), the
 * lowest-priority stop is dropped (ties: the one whose removal saves the most minutes, then the
 * greater id). Once the day fits, the order is improved again, and every dropped stop is
 * tried once more, highest priority first, at the cheapest place where the whole day still
 * fits, so that a stop dropped early is not left out when a later drop made room for it.
 *
 * A stop that cannot be made even on its own (straight from the start it would be late, or the
 * day with only it would run past the shift end) is dropped first, whatever its priority.
 *
 * Everything is deterministic: stops are handled in id order (plain code-unit comparison, no
 * locale), every tie is broken by position or id, and there is no randomness. Times are
 * minutes from the start of the day (9:00 is 540), kept exact, not rounded.
 */

export interface LatLon {
  /** Degrees north, -90 to 90. */
  lat: number;
  /** Degrees east, -180 to 180. */
  lon: number;
}

/** Mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_METRES = 6_371_008.8;

const RAD = Math.PI / 180;

/** Great-circle distance between two points, in metres (haversine formula). */
export function haversineMetres(a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const s =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(s)));
}

export function isValidLatLon(p: LatLon | undefined | null): boolean {
  return (
    p !== null &&
    p !== undefined &&
    Number.isFinite(p.lat) &&
    Number.isFinite(p.lon) &&
    Math.abs(p.lat) <= 90 &&
    Math.abs(p.lon) <= 180
  );
}

export interface TravelModel {
  /** Average speed on the road, km/h. */
  speedKmh: number;
  /** Road distance over great-circle distance; 1 for as the crow flies. */
  roadFactor: number;
}

export const DEFAULT_TRAVEL: Readonly<TravelModel> = { speedKmh: 30, roadFactor: 1.3 };

/** The travel model with defaults filled in; throws on a speed or road factor that is not positive. */
export function travelModel(travel?: Partial<TravelModel>): TravelModel {
  const speedKmh = travel?.speedKmh ?? DEFAULT_TRAVEL.speedKmh;
  const roadFactor = travel?.roadFactor ?? DEFAULT_TRAVEL.roadFactor;
  if (!(Number.isFinite(speedKmh) && speedKmh > 0))
    throw new RangeError(`speedKmh must be a positive number, not ${speedKmh}`);
  if (!(Number.isFinite(roadFactor) && roadFactor > 0))
    throw new RangeError(`roadFactor must be a positive number, not ${roadFactor}`);
  return { speedKmh, roadFactor };
}

/** Minutes on the road per metre of great-circle distance. */
function minutesPerMetre(model: TravelModel): number {
  return (model.roadFactor * 60) / (model.speedKmh * 1000);
}

/** Minutes to travel a great-circle distance of `metres`: metres × road factor at the speed. */
export function travelMinutes(metres: number, travel?: Partial<TravelModel>): number {
  return metres * minutesPerMetre(travelModel(travel));
}

/** Minutes of the day as `H:MM` (rounded to the minute), e.g. 545.4 → `9:05`. */
export function formatMinutes(minutes: number): string {
  const total = Math.round(minutes);
  const sign = total < 0 ? '-' : '';
  const abs = Math.abs(total);
  return `${sign}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`;
}

export interface TimeWindow {
  /** Earliest start of service, minutes of the day. */
  from: number;
  /** Latest start of service, minutes of the day. */
  to: number;
}

export interface Stop extends LatLon {
  id: string;
  serviceMinutes: number;
  /** Higher is more important; the lowest priority is dropped first. */
  priority: number;
  window?: TimeWindow;
}

/** Where the day ends: back at the start (`return`), at the last stop (`open`), or at a point. */
export type RouteEnd = 'return' | 'open' | LatLon;

export interface RouteRequest {
  /** The agent's base, where the day starts. */
  start: LatLon;
  /** Default `return`. */
  end?: RouteEnd;
  stops: readonly Stop[];
  /** Minutes of the day. */
  shiftStart: number;
  /** Minutes of the day; the day must end (at the end point, or the last stop) by then. */
  shiftEnd: number;
  travel?: Partial<TravelModel>;
}

export interface ScheduledStop {
  id: string;
  /** 1-based position in the day. */
  seq: number;
  lat: number;
  lon: number;
  priority: number;
  window?: TimeWindow;
  /** Great-circle metres from the previous point (the start for the first stop). */
  legMetres: number;
  /** Minutes on the road from the previous point. */
  travelMinutes: number;
  arrive: number;
  /** Minutes waiting for the window to open. */
  wait: number;
  /** Start of service: max(arrive, window.from). */
  start: number;
  depart: number;
}

export type DropCode = 'invalid' | 'duplicate' | 'window' | 'shift-end';

export interface DroppedStop {
  id: string;
  priority: number;
  code: DropCode;
  reason: string;
}

export interface DayRoute {
  stops: ScheduledStop[];
  /** The end point, or null for an open route. */
  end: LatLon | null;
  /** Great-circle metres from the last stop (or the start) to the end point; 0 when open. */
  endLegMetres: number;
  /** When the day ends: arrival at the end point, or departure from the last stop when open. */
  finish: number;
  /** Great-circle metres over all legs, including the one to the end point. */
  totalMetres: number;
  /** finish − shift start. */
  totalMinutes: number;
  travelMinutes: number;
  serviceMinutes: number;
  waitMinutes: number;
  /**
   * Stops left out: invalid and repeated ones, then those that fit even alone, then the rest in
   * the order they were dropped.
   */
  dropped: DroppedStop[];
}

const METRE_EPS = 1e-6;
const MINUTE_EPS = 1e-6;
/** Safety stop for local search; never reached in practice, each pass strictly improves. */
const MAX_PASSES = 100_000;
/** Up to this many stops every 3-opt segment move is tried; above, only Or-opt ones. */
const FULL_3OPT_STOPS = 60;
/** The same when windows are searched too, where each move is timed (linear, not constant). */
const FULL_3OPT_STOPS_WINDOWS = 30;
/** The longest run Or-opt moves on long days. */
const OR_OPT_MAX = 3;

/** Plain code-unit order, independent of locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The problem in index form. Node 0 is the start, nodes 1..n the stops in id order, node n+1
 * the end (for an open route a virtual point at distance 0 from everything).
 */
interface Problem {
  stops: Stop[];
  n: number;
  size: number;
  endNode: number;
  dist: Float64Array;
  /** Travel minutes between nodes: dist × minutes per metre. */
  minutes: Float64Array;
  /** Per node (0 and the end node included, as 0 / -Infinity / Infinity). */
  service: Float64Array;
  windowFrom: Float64Array;
  windowTo: Float64Array;
  mpm: number;
  shiftStart: number;
  shiftEnd: number;
  hasWindows: boolean;
  start: LatLon;
  end: LatLon | null;
}

function buildProblem(
  start: LatLon,
  end: RouteEnd | undefined,
  stops: Stop[],
  shiftStart: number,
  shiftEnd: number,
  travel: Partial<TravelModel> | undefined,
): Problem {
  const n = stops.length;
  const size = n + 2;
  const endPoint: LatLon | null =
    end === undefined || end === 'return' ? start : end === 'open' ? null : end;
  const points: LatLon[] = [start, ...stops];
  const dist = new Float64Array(size * size);
  for (let i = 0; i < n + 1; i++) {
    for (let j = i + 1; j < n + 1; j++) {
      const d = haversineMetres(points[i]!, points[j]!);
      dist[i * size + j] = d;
      dist[j * size + i] = d;
    }
    const d = endPoint ? haversineMetres(points[i]!, endPoint) : 0;
    dist[i * size + n + 1] = d;
    dist[(n + 1) * size + i] = d;
  }
  const mpm = minutesPerMetre(travelModel(travel));
  const minutes = dist.map((d) => d * mpm);
  const service = new Float64Array(size);
  const windowFrom = new Float64Array(size).fill(-Infinity);
  const windowTo = new Float64Array(size).fill(Infinity);
  stops.forEach((s, i) => {
    service[i + 1] = s.serviceMinutes;
    if (s.window) {
      windowFrom[i + 1] = s.window.from;
      windowTo[i + 1] = s.window.to;
    }
  });
  return {
    stops,
    n,
    size,
    endNode: n + 1,
    dist,
    minutes,
    service,
    windowFrom,
    windowTo,
    mpm,
    shiftStart,
    shiftEnd,
    hasWindows: stops.some((s) => s.window !== undefined),
    start,
    end: endPoint,
  };
}

interface Cost {
  /** Minutes late at windows plus minutes past the shift end. */
  penalty: number;
  metres: number;
  finish: number;
}

/** Cost of a full path (start, stops…, end). */
function pathCost(P: Problem, path: ArrayLike<number>): Cost {
  const { dist, size, mpm, stops } = P;
  let t = P.shiftStart;
  let metres = 0;
  let penalty = 0;
  for (let k = 1; k < path.length; k++) {
    const node = path[k]!;
    const d = dist[path[k - 1]! * size + node]!;
    metres += d;
    t += d * mpm;
    if (node === P.endNode) break;
    const s = stops[node - 1]!;
    const w = s.window;
    if (w) {
      if (t < w.from) t = w.from;
      else if (t > w.to + MINUTE_EPS) penalty += t - w.to;
    }
    t += s.serviceMinutes;
  }
  if (t > P.shiftEnd + MINUTE_EPS) penalty += t - P.shiftEnd;
  return { penalty, metres, finish: t };
}

function toPath(P: Problem, order: readonly number[]): number[] {
  return [0, ...order, P.endNode];
}

function orderCost(P: Problem, order: readonly number[]): Cost {
  return pathCost(P, toPath(P, order));
}

/** Nearest neighbour from the start; ties go to the lower node, i.e. the smaller id. */
function nearestNeighbour(P: Problem, nodes: readonly number[]): number[] {
  const left = [...nodes].sort((a, b) => a - b);
  const order: number[] = [];
  let current = 0;
  while (left.length > 0) {
    let best = 0;
    let bestD = Infinity;
    for (let i = 0; i < left.length; i++) {
      const d = P.dist[current * P.size + left[i]!]!;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    current = left[best]!;
    order.push(current);
    left.splice(best, 1);
  }
  return order;
}

/**
 * Farthest insertion: the stop farthest from the path so far goes in where it adds the least
 * (ties: the smaller id, the earlier place). A second start for the local search.
 */
function farthestInsertion(P: Problem, nodes: readonly number[]): number[] {
  const { dist, size } = P;
  const left = [...nodes].sort((a, b) => a - b);
  const path = [0, P.endNode];
  const near = left.map((v) => Math.min(dist[v]!, dist[P.endNode * size + v]!));
  if (P.end === null) for (let x = 0; x < left.length; x++) near[x] = dist[left[x]!]!;
  while (left.length > 0) {
    let pick = 0;
    for (let x = 1; x < left.length; x++) if (near[x]! > near[pick]!) pick = x;
    const v = left[pick]!;
    let pos = 1;
    let bestAdd = Infinity;
    for (let k = 1; k < path.length; k++) {
      const a = path[k - 1]!;
      const b = path[k]!;
      const add = dist[a * size + v]! + dist[v * size + b]! - dist[a * size + b]!;
      if (add < bestAdd - METRE_EPS) {
        bestAdd = add;
        pos = k;
      }
    }
    path.splice(pos, 0, v);
    left.splice(pick, 1);
    near.splice(pick, 1);
    for (let x = 0; x < left.length; x++) {
      const dv = dist[v * size + left[x]!]!;
      if (dv < near[x]!) near[x] = dv;
    }
  }
  return path.slice(1, -1);
}

/**
 * The shortest of the local optima reached from nearest neighbour and from farthest insertion
 * (ties: the nearest-neighbour one), so never longer than nearest neighbour.
 */
function shortestOrder(P: Problem, nodes: readonly number[]): number[] {
  const a = improve(P, nearestNeighbour(P, nodes), false);
  if (nodes.length < 4) return a;
  const b = improve(P, farthestInsertion(P, nodes), false);
  return orderCost(P, b).metres < orderCost(P, a).metres - METRE_EPS ? b : a;
}

/**
 * Local search until no move improves: a 2-opt pass (reverse a run of stops), then a 3-opt
 * pass of segment moves, again and again until neither improves. With the run A = path[i..j]
 * followed by B = path[j+1..k], the 3-opt moves are B A (Or-opt: move a run past another),
 * B A', B' A and A' B' (' = reversed). For long days (more than FULL_3OPT_STOPS stops, or
 * FULL_3OPT_STOPS_WINDOWS in windows mode) one of the two runs is at most OR_OPT_MAX long,
 * which is plain Or-opt and keeps a pass quadratic.
 *
 * In distance mode a move must shorten the path. In windows mode (`lex`) the objective is
 * (penalty, metres): a move is taken when it shortens the path without adding penalty, or
 * lowers the penalty. Each pass takes every improving move it meets, scanning in a fixed
 * order: deterministic.
 */
function improve(P: Problem, order: readonly number[], lex: boolean): number[] {
  const path = toPath(P, order);
  const m = path.length;
  if (m <= 3) return order.slice();
  const { dist, size, minutes, service, windowFrom, windowTo } = P;
  const scratch: number[] = new Array<number>(m);
  const maxRun = m - 2 <= (lex ? FULL_3OPT_STOPS_WINDOWS : FULL_3OPT_STOPS) ? m : OR_OPT_MAX;

  // The move being considered. REVERSAL: path[mi..mj] reversed. Otherwise, with the runs
  // A = path[mi..mj] and B = path[mj+1..mk]: 0 is B A, 1 B A', 2 B' A, 3 A' B'.
  const REVERSAL = -1;
  let kind = REVERSAL;
  let mi = 0;
  let mj = 0;
  let mk = 0;

  // Windows mode: departure time and penalty so far at each position of `path`, refreshed
  // lazily after a move, so that a candidate is timed only from its first changed position,
  // walking the moved runs in place, and given up once its penalty passes what it must beat.
  const departAt = new Float64Array(m);
  const penaltyAt = new Float64Array(m);
  let stale = true;
  const refresh = (): void => {
    let t = P.shiftStart;
    let pen = 0;
    departAt[0] = t;
    for (let x = 1; x < m - 1; x++) {
      const node = path[x]!;
      t += minutes[path[x - 1]! * size + node]!;
      if (t < windowFrom[node]!) t = windowFrom[node]!;
      else if (t > windowTo[node]! + MINUTE_EPS) pen += t - windowTo[node]!;
      t += service[node]!;
      departAt[x] = t;
      penaltyAt[x] = pen;
    }
    stale = false;
  };
  let t = 0;
  let pen = 0;
  let prev = 0;
  let limit = 0;
  /** Serves path[from..to] (backwards if from > to); false once the penalty passes the limit. */
  const walk = (from: number, to: number): boolean => {
    const step = from <= to ? 1 : -1;
    for (let x = from; x !== to + step; x += step) {
      const node = path[x]!;
      t += minutes[prev * size + node]!;
      if (t < windowFrom[node]!) t = windowFrom[node]!;
      else if (t > windowTo[node]! + MINUTE_EPS) {
        pen += t - windowTo[node]!;
        if (pen > limit) return false;
      }
      t += service[node]!;
      prev = node;
    }
    return true;
  };
  /** Penalty of the path after the current move, or Infinity once above `max`. */
  const movedPenalty = (max: number): number => {
    if (stale) refresh();
    t = departAt[mi - 1]!;
    pen = penaltyAt[mi - 1]!;
    prev = path[mi - 1]!;
    limit = max;
    let ok: boolean;
    let rest: number;
    if (kind === REVERSAL) {
      ok = walk(mj, mi);
      rest = mj + 1;
    } else {
      if (kind === 3) ok = walk(mj, mi) && walk(mk, mj + 1);
      else if (kind === 2) ok = walk(mk, mj + 1) && walk(mi, mj);
      else if (kind === 1) ok = walk(mj + 1, mk) && walk(mj, mi);
      else ok = walk(mj + 1, mk) && walk(mi, mj);
      rest = mk + 1;
    }
    if (!ok || (rest <= m - 2 && !walk(rest, m - 2))) return Infinity;
    t += minutes[prev * size + path[m - 1]!]!;
    if (t > P.shiftEnd + MINUTE_EPS) pen += t - P.shiftEnd;
    return pen > max ? Infinity : pen;
  };
  let curPenalty = lex ? pathCost(P, path).penalty : 0;

  /** Whether to take the current move, which changes the distance by `delta`. */
  const accept = (delta: number): boolean => {
    if (!lex) return delta < -METRE_EPS;
    let p = Infinity;
    if (delta < -METRE_EPS) {
      p = movedPenalty(curPenalty);
    } else if (curPenalty > 0) {
      // The part before the move is unchanged; when its penalty is already too much, skip.
      if (stale) refresh();
      if (penaltyAt[mi - 1]! >= curPenalty - MINUTE_EPS) return false;
      p = movedPenalty(curPenalty - MINUTE_EPS);
      if (!(p < curPenalty - MINUTE_EPS)) p = Infinity;
    }
    if (p === Infinity) return false;
    curPenalty = p;
    stale = true;
    return true;
  };

  /** Writes path[from..to] into scratch at w, reversed if `rev`; returns the next w. */
  const copyRun = (w: number, from: number, to: number, rev: boolean): number => {
    if (rev) for (let x = to; x >= from; x--) scratch[w++] = path[x]!;
    else for (let x = from; x <= to; x++) scratch[w++] = path[x]!;
    return w;
  };

  /** Applies the current move to `path`. */
  const apply = (): void => {
    if (kind === REVERSAL) {
      for (let x = mi, y = mj; x < y; x++, y--) {
        const tmp = path[x]!;
        path[x] = path[y]!;
        path[y] = tmp;
      }
      return;
    }
    let w = mi;
    if (kind === 3) {
      w = copyRun(w, mi, mj, true);
      copyRun(w, mj + 1, mk, true);
    } else {
      w = copyRun(w, mj + 1, mk, kind === 2);
      copyRun(w, mi, mj, kind === 1);
    }
    for (let x = mi; x <= mk; x++) path[x] = scratch[x]!;
  };

  /** One 2-opt pass, taking every improving reversal met; whether any was taken. */
  const twoOptPass = (): boolean => {
    let improved = false;
    kind = REVERSAL;
    for (let i = 1; i < m - 2; i++) {
      for (let j = i + 1; j < m - 1; j++) {
        const a = path[i - 1]!;
        const b = path[i]!;
        const c = path[j]!;
        const e = path[j + 1]!;
        const delta =
          dist[a * size + c]! + dist[b * size + e]! - dist[a * size + b]! - dist[c * size + e]!;
        mi = i;
        mj = j;
        if (accept(delta)) {
          apply();
          improved = true;
        }
      }
    }
    return improved;
  };

  /** One 3-opt pass, taking every improving segment move met; whether any was taken. */
  const threeOptPass = (): boolean => {
    let improved = false;
    for (let i = 1; i < m - 2; i++) {
      for (let j = i; j < m - 2; j++) {
        const lenA = j - i + 1;
        const kMax = lenA <= maxRun ? m - 2 : Math.min(m - 2, j + maxRun);
        for (let k = j + 1; k <= kMax; k++) {
          const a = path[i - 1]! * size;
          const b = path[i]!;
          const c = path[j]!;
          const dd = path[j + 1]!;
          const e = path[k]!;
          const f = path[k + 1]!;
          const ab = dist[a + b]!;
          const cd = dist[c * size + dd]!;
          const ef = dist[e * size + f]!;
          const before = ab + cd + ef;
          // A reversed is no move when A is one stop long, nor B reversed when B is.
          const revA = lenA > 1;
          const revB = k > j + 1;
          for (let kd = 0; kd < 4; kd++) {
            if ((kd === 1 || kd === 3) && !revA) continue;
            if ((kd === 2 || kd === 3) && !revB) continue;
            const after =
              kd === 0
                ? dist[a + dd]! + dist[e * size + b]! + dist[c * size + f]!
                : kd === 1
                  ? dist[a + dd]! + dist[e * size + c]! + dist[b * size + f]!
                  : kd === 2
                    ? dist[a + e]! + dist[dd * size + b]! + dist[c * size + f]!
                    : dist[a + c]! + dist[b * size + e]! + dist[dd * size + f]!;
            kind = kd;
            mi = i;
            mj = j;
            mk = k;
            if (accept(after - before)) {
              apply();
              improved = true;
              break;
            }
          }
        }
      }
    }
    return improved;
  };

  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const twoOpt = twoOptPass();
    if (!threeOptPass() && !twoOpt) break;
  }
  return path.slice(1, m - 1);
}

/** Improve an order with the objective that fits the problem. */
function optimise(P: Problem, order: readonly number[]): number[] {
  return improve(P, order, P.hasWindows);
}

interface Timed {
  arrive: number[];
  start: number[];
  depart: number[];
  /** Position of the first stop reached after its window, or -1. */
  firstLate: number;
  finish: number;
}

function timeline(P: Problem, order: readonly number[]): Timed {
  const arrive: number[] = [];
  const start: number[] = [];
  const depart: number[] = [];
  let firstLate = -1;
  let t = P.shiftStart;
  let prev = 0;
  order.forEach((node, k) => {
    t += P.dist[prev * P.size + node]! * P.mpm;
    arrive.push(t);
    const s = P.stops[node - 1]!;
    const w = s.window;
    if (w && t < w.from) t = w.from;
    if (w && t > w.to + MINUTE_EPS && firstLate < 0) firstLate = k;
    start.push(t);
    t += s.serviceMinutes;
    depart.push(t);
    prev = node;
  });
  t += P.dist[prev * P.size + P.endNode]! * P.mpm;
  return { arrive, start, depart, firstLate, finish: t };
}

/** Arrival at the stop at position `k` of `order` once the stop at position `skip` is removed. */
function arrivalWithout(P: Problem, order: readonly number[], skip: number, k: number): number {
  let t = P.shiftStart;
  let prev = 0;
  for (let x = 0; x <= k; x++) {
    if (x === skip) continue;
    const node = order[x]!;
    t += P.dist[prev * P.size + node]! * P.mpm;
    if (x === k) return t;
    const s = P.stops[node - 1]!;
    if (s.window && t < s.window.from) t = s.window.from;
    t += s.serviceMinutes;
    prev = node;
  }
  return t;
}

function windowText(w: TimeWindow): string {
  return `${formatMinutes(w.from)}–${formatMinutes(w.to)}`;
}

interface Drop {
  node: number;
  code: 'window' | 'shift-end';
  reason: string;
}

/** One stop to drop so that the stop at `late` can keep its window. */
function windowDrop(P: Problem, order: readonly number[], late: number, arrive: number): Drop {
  const lateStop = P.stops[order[late]! - 1]!;
  const w = lateStop.window!;
  let pick = late;
  for (let j = late - 1; j >= 0; j--) {
    const s = P.stops[order[j]! - 1]!;
    if (s.priority >= P.stops[order[pick]! - 1]!.priority) continue;
    if (arrivalWithout(P, order, j, late) <= w.to + MINUTE_EPS) pick = j;
  }
  if (pick === late) {
    return {
      node: order[late]!,
      code: 'window',
      reason: `would arrive at ${formatMinutes(arrive)}, after its window ${windowText(w)}`,
    };
  }
  return {
    node: order[pick]!,
    code: 'window',
    reason: `dropped so that ${lateStop.id} (priority ${lateStop.priority}) can be visited in its window ${windowText(w)}`,
  };
}

/** The lowest-priority stop to drop because the day runs past the shift end. */
function shiftEndDrop(P: Problem, order: readonly number[], finish: number): Drop {
  let pick = -1;
  let pickSaving = -Infinity;
  for (let k = 0; k < order.length; k++) {
    const s = P.stops[order[k]! - 1]!;
    const p = pick < 0 ? Infinity : P.stops[order[pick]! - 1]!.priority;
    if (s.priority > p) continue;
    const without = order.filter((_, x) => x !== k);
    const saving = finish - timeline(P, without).finish;
    if (
      s.priority < p ||
      saving > pickSaving + MINUTE_EPS ||
      (Math.abs(saving - pickSaving) <= MINUTE_EPS &&
        compareIds(s.id, P.stops[order[pick]! - 1]!.id) > 0)
    ) {
      pick = k;
      pickSaving = saving;
    }
  }
  return {
    node: order[pick]!,
    code: 'shift-end',
    reason: `day would end at ${formatMinutes(finish)}, after the shift end ${formatMinutes(P.shiftEnd)}`,
  };
}

/** Cheapest place to insert `node` where the whole day fits, or null. */
function cheapestFeasibleInsertion(
  P: Problem,
  order: readonly number[],
  node: number,
): number[] | null {
  let best: number[] | null = null;
  let bestMetres = Infinity;
  for (let pos = 0; pos <= order.length; pos++) {
    const cand = [...order.slice(0, pos), node, ...order.slice(pos)];
    const c = orderCost(P, cand);
    if (c.penalty === 0 && c.metres < bestMetres - METRE_EPS) {
      best = cand;
      bestMetres = c.metres;
    }
  }
  return best;
}

function buildRoute(P: Problem, order: readonly number[], dropped: DroppedStop[]): DayRoute {
  const t = timeline(P, order);
  const stops: ScheduledStop[] = [];
  let prev = 0;
  let totalMetres = 0;
  let travel = 0;
  let service = 0;
  let wait = 0;
  order.forEach((node, k) => {
    const s = P.stops[node - 1]!;
    const legMetres = P.dist[prev * P.size + node]!;
    const legMinutes = legMetres * P.mpm;
    totalMetres += legMetres;
    travel += legMinutes;
    service += s.serviceMinutes;
    wait += t.start[k]! - t.arrive[k]!;
    stops.push({
      id: s.id,
      seq: k + 1,
      lat: s.lat,
      lon: s.lon,
      priority: s.priority,
      ...(s.window ? { window: { ...s.window } } : {}),
      legMetres,
      travelMinutes: legMinutes,
      arrive: t.arrive[k]!,
      wait: t.start[k]! - t.arrive[k]!,
      start: t.start[k]!,
      depart: t.depart[k]!,
    });
    prev = node;
  });
  const endLegMetres = P.dist[prev * P.size + P.endNode]!;
  totalMetres += endLegMetres;
  travel += endLegMetres * P.mpm;
  return {
    stops,
    end: P.end ? { lat: P.end.lat, lon: P.end.lon } : null,
    endLegMetres,
    finish: t.finish,
    totalMetres,
    totalMinutes: t.finish - P.shiftStart,
    travelMinutes: travel,
    serviceMinutes: service,
    waitMinutes: wait,
    dropped,
  };
}

/** What is wrong with a stop (no id, bad location, service time, priority or window), or null. */
export function stopError(s: Stop): string | null {
  if (typeof s.id !== 'string' || s.id === '') return 'has no id';
  if (!isValidLatLon(s)) return `has no valid location (${s.lat}, ${s.lon})`;
  if (!(Number.isFinite(s.serviceMinutes) && s.serviceMinutes >= 0))
    return `has an invalid service time ${s.serviceMinutes}`;
  if (!Number.isFinite(s.priority)) return `has an invalid priority ${s.priority}`;
  if (s.window !== undefined) {
    const w = s.window;
    if (!(Number.isFinite(w.from) && Number.isFinite(w.to) && w.from <= w.to))
      return `has an invalid window ${w.from}–${w.to}`;
  }
  return null;
}

function checkRequest(req: RouteRequest): void {
  if (!isValidLatLon(req.start)) throw new RangeError('the start point is not a valid location');
  if (typeof req.end === 'object' && !isValidLatLon(req.end))
    throw new RangeError('the end point is not a valid location');
  if (!Number.isFinite(req.shiftStart) || !Number.isFinite(req.shiftEnd))
    throw new RangeError('shiftStart and shiftEnd must be minutes of the day');
}

/**
 * Orders and schedules one agent's day. Stops with an invalid location, service time,
 * priority or window, or a repeated id, are dropped up front (`invalid`, `duplicate`).
 */
export function routeDay(req: RouteRequest): DayRoute {
  checkRequest(req);
  const dropped: DroppedStop[] = [];
  const seen = new Set<string>();
  const valid: Stop[] = [];
  for (const s of req.stops) {
    const bad = stopError(s);
    if (bad) {
      dropped.push({ id: String(s.id), priority: s.priority, code: 'invalid', reason: bad });
    } else if (seen.has(s.id)) {
      dropped.push({
        id: s.id,
        priority: s.priority,
        code: 'duplicate',
        reason: `stop ${s.id} appears more than once`,
      });
    } else {
      seen.add(s.id);
      valid.push(s);
    }
  }
  valid.sort((a, b) => compareIds(a.id, b.id));
  const P = buildProblem(req.start, req.end, valid, req.shiftStart, req.shiftEnd, req.travel);
  // Stops that cannot be made even alone (straight from the start) go first, with no retry.
  const all: number[] = [];
  for (let node = 1; node <= P.n; node++) {
    const s = P.stops[node - 1]!;
    const alone = timeline(P, [node]);
    if (alone.firstLate === 0) {
      dropped.push({
        id: s.id,
        priority: s.priority,
        code: 'window',
        reason: `would arrive at ${formatMinutes(alone.arrive[0]!)}, after its window ${windowText(s.window!)}, even going straight there`,
      });
    } else if (alone.finish > P.shiftEnd + MINUTE_EPS) {
      dropped.push({
        id: s.id,
        priority: s.priority,
        code: 'shift-end',
        reason: `does not fit the shift even alone: day would end at ${formatMinutes(alone.finish)}, after the shift end ${formatMinutes(P.shiftEnd)}`,
      });
    } else {
      all.push(node);
    }
  }
  let order = shortestOrder(P, all);
  if (P.hasWindows) order = improve(P, order, true);

  const out: Drop[] = [];
  while (order.length > 0) {
    const t = timeline(P, order);
    let drop: Drop | null = null;
    if (t.firstLate >= 0) drop = windowDrop(P, order, t.firstLate, t.arrive[t.firstLate]!);
    else if (t.finish > P.shiftEnd + MINUTE_EPS) drop = shiftEndDrop(P, order, t.finish);
    if (!drop) break;
    const node = drop.node;
    out.push(drop);
    // Removing a stop never makes a later one later (the triangle inequality holds), so the
    // order is improved once, after the last drop; the second chance below makes up for it.
    order = order.filter((x) => x !== node);
  }
  if (out.length > 0) order = optimise(P, order);

  // Second chance, highest priority first, for stops a later drop may have made room for.
  const retry = [...out].sort((a, b) => {
    const sa = P.stops[a.node - 1]!;
    const sb = P.stops[b.node - 1]!;
    return sb.priority - sa.priority || compareIds(sa.id, sb.id);
  });
  const back = new Set<number>();
  for (const drop of retry) {
    const cand = cheapestFeasibleInsertion(P, order, drop.node);
    if (cand) {
      order = optimise(P, cand);
      back.add(drop.node);
    }
  }
  for (const drop of out) {
    if (back.has(drop.node)) continue;
    const s = P.stops[drop.node - 1]!;
    dropped.push({ id: s.id, priority: s.priority, code: drop.code, reason: drop.reason });
  }
  return buildRoute(P, order, dropped);
}

/**
 * Tries to add one stop to a day already routed by `routeDay` (or this function) for `req`:
 * `req.stops` must hold the route's stops, with the same start, end, shift and travel model.
 * Every place in the current order is checked exactly (the schedule before it is unchanged; after
 * it the delay shrinks by each wait until it is gone), and the stop goes where it adds the least
 * distance while every window and the shift end still hold; the order is then improved again.
 * Returns the new route (with `route.dropped` unchanged), or null when the stop fits nowhere.
 */
export function tryInsertStop(req: RouteRequest, route: DayRoute, stop: Stop): DayRoute | null {
  checkRequest(req);
  if (stopError(stop)) return null;
  if (route.stops.some((s) => s.id === stop.id)) return null;
  // Wherever it goes, the day ends at least its service time later, less what waiting absorbs.
  if (route.finish + stop.serviceMinutes - route.waitMinutes > req.shiftEnd + MINUTE_EPS)
    return null;
  const model = travelModel(req.travel);
  const mpm = minutesPerMetre(model);
  const placed = route.stops;
  const n = placed.length;
  const w = stop.window;
  let bestPos = -1;
  let bestAdd = Infinity;
  for (let p = 0; p <= n; p++) {
    const prev: LatLon = p === 0 ? req.start : placed[p - 1]!;
    const prevDepart = p === 0 ? req.shiftStart : placed[p - 1]!.depart;
    const dIn = haversineMetres(prev, stop);
    const arrive = prevDepart + dIn * mpm;
    if (w && arrive > w.to + MINUTE_EPS) continue;
    const depart = (w && arrive < w.from ? w.from : arrive) + stop.serviceMinutes;
    const next: LatLon | null = p < n ? placed[p]! : route.end;
    const dOut = next ? haversineMetres(stop, next) : 0;
    const oldLeg = p < n ? placed[p]!.legMetres : route.endLegMetres;
    const oldNextArrive = p < n ? placed[p]!.arrive : route.finish;
    let delay = depart + dOut * mpm - oldNextArrive;
    let fits = true;
    for (let q = p; q < n && delay > MINUTE_EPS; q++) {
      const s = placed[q]!;
      if (s.window && s.arrive + delay > s.window.to + MINUTE_EPS) {
        fits = false;
        break;
      }
      delay = Math.max(0, delay - s.wait);
    }
    if (!fits || route.finish + Math.max(0, delay) > req.shiftEnd + MINUTE_EPS) continue;
    const add = dIn + dOut - oldLeg;
    if (add < bestAdd - METRE_EPS) {
      bestAdd = add;
      bestPos = p;
    }
  }
  if (bestPos < 0) return null;

  const byId = new Map(req.stops.map((s) => [s.id, s] as const));
  const kept: Stop[] = [];
  for (const s of placed) {
    const full = byId.get(s.id);
    if (!full) throw new RangeError(`stop ${s.id} of the route is not among the request's stops`);
    kept.push(full);
  }
  const stops = [...kept, stop].sort((x, y) => compareIds(x.id, y.id));
  const P = buildProblem(req.start, req.end, stops, req.shiftStart, req.shiftEnd, model);
  const nodeOf = new Map(stops.map((s, i) => [s.id, i + 1] as const));
  const order = placed.map((s) => nodeOf.get(s.id)!);
  order.splice(bestPos, 0, nodeOf.get(stop.id)!);
  if (orderCost(P, order).penalty > 0) return null;
  return buildRoute(P, optimise(P, order), [...route.dropped]);
}

/** Total great-circle metres of visiting `stops` in the given order from `start` to `end`. */
export function pathMetres(
  start: LatLon,
  stops: readonly LatLon[],
  end: RouteEnd = 'return',
): number {
  let metres = 0;
  let prev = start;
  for (const s of stops) {
    metres += haversineMetres(prev, s);
    prev = s;
  }
  if (end === 'return') metres += haversineMetres(prev, start);
  else if (end !== 'open') metres += haversineMetres(prev, end);
  return metres;
}

/** The nearest-neighbour order alone (no improvement), for comparison and tests. */
export function nearestNeighbourOrder(
  start: LatLon,
  stops: readonly Stop[],
  end: RouteEnd = 'return',
): string[] {
  const sorted = [...stops].sort((a, b) => compareIds(a.id, b.id));
  const P = buildProblem(start, end, sorted, 0, Infinity, undefined);
  return nearestNeighbour(
    P,
    sorted.map((_, i) => i + 1),
  ).map((node) => sorted[node - 1]!.id);
}
