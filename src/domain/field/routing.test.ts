import { describe, expect, it } from 'vitest';
import { Random } from '../portfolio/random.ts';
import {
  DEFAULT_TRAVEL,
  EARTH_RADIUS_METRES,
  formatMinutes,
  haversineMetres,
  nearestNeighbourOrder,
  pathMetres,
  routeDay,
  travelMinutes,
  travelModel,
  tryInsertStop,
  type DayRoute,
  type LatLon,
  type RouteEnd,
  type RouteRequest,
  type Stop,
} from './routing.ts';

/** A point `km` east of (0, 0) on the equator: distances along it are exact. */
const east = (km: number): LatLon => ({
  lat: 0,
  lon: ((km * 1000) / EARTH_RADIUS_METRES) * (180 / Math.PI),
});
const BASE = east(0);
/** 60 km/h as the crow flies: one kilometre is one minute. */
const KM_PER_MINUTE = { speedKmh: 60, roadFactor: 1 };

const stop = (id: string, km: number, extra: Partial<Stop> = {}): Stop => ({
  id,
  ...east(km),
  serviceMinutes: 0,
  priority: 1,
  ...extra,
});

const ids = (r: DayRoute): string[] => r.stops.map((s) => s.id);

function shuffled<T>(items: readonly T[], r: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function randomStops(r: Random, n: number, centre: LatLon, spread = 0.1): Stop[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `s${String(i + 1).padStart(2, '0')}`,
    lat: centre.lat + (r.next() - 0.5) * spread,
    lon: centre.lon + (r.next() - 0.5) * spread * 1.5,
    serviceMinutes: 0,
    priority: 1,
  }));
}

/** The shortest path over all permutations (exhaustive, on a distance matrix). */
function bruteForceMetres(start: LatLon, stops: readonly Stop[], end: RouteEnd): number {
  const pts = [start, ...stops];
  const n = stops.length;
  const d = pts.map((a) => pts.map((b) => haversineMetres(a, b)));
  const toEnd = pts.map((p) =>
    end === 'open' ? 0 : haversineMetres(p, end === 'return' ? start : end),
  );
  let best = Infinity;
  const used = new Array<boolean>(n + 1).fill(false);
  const walk = (last: number, depth: number, sum: number): void => {
    if (sum >= best) return;
    if (depth === n) {
      best = Math.min(best, sum + toEnd[last]!);
      return;
    }
    for (let v = 1; v <= n; v++) {
      if (used[v]) continue;
      used[v] = true;
      walk(v, depth + 1, sum + d[last]![v]!);
      used[v] = false;
    }
  };
  walk(0, 0, 0);
  return best;
}

/** The schedule is consistent: legs, travel, waits, windows and the shift end add up. */
function expectConsistent(req: RouteRequest, r: DayRoute): void {
  const mpm = travelMinutes(1, req.travel);
  let t = req.shiftStart;
  let prev: LatLon = req.start;
  let metres = 0;
  r.stops.forEach((s, k) => {
    expect(s.seq).toBe(k + 1);
    expect(s.legMetres).toBeCloseTo(haversineMetres(prev, s), 6);
    expect(s.arrive).toBeCloseTo(t + s.legMetres * mpm, 6);
    expect(s.start).toBeCloseTo(Math.max(s.arrive, s.window?.from ?? -Infinity), 6);
    expect(s.wait).toBeCloseTo(s.start - s.arrive, 6);
    if (s.window) expect(s.start).toBeLessThanOrEqual(s.window.to + 1e-6);
    const original = req.stops.find((x) => x.id === s.id)!;
    expect(s.depart).toBeCloseTo(s.start + original.serviceMinutes, 6);
    metres += s.legMetres;
    t = s.depart;
    prev = s;
  });
  metres += r.endLegMetres;
  expect(r.totalMetres).toBeCloseTo(metres, 6);
  expect(r.finish).toBeCloseTo(t + r.endLegMetres * mpm, 6);
  expect(r.finish).toBeLessThanOrEqual(req.shiftEnd + 1e-6);
  expect(r.totalMinutes).toBeCloseTo(r.travelMinutes + r.serviceMinutes + r.waitMinutes, 6);
  // Every stop is either routed or dropped, once.
  const seen = [...ids(r), ...r.dropped.map((d) => d.id)].sort();
  expect(seen).toEqual(req.stops.map((s) => s.id).sort());
}

describe('haversine distance', () => {
  it.each([
    ['Shanghai–Beijing', { lat: 31.2304, lon: 121.4737 }, { lat: 39.9042, lon: 116.4074 }, 1068e3],
    ['London–Paris', { lat: 51.5074, lon: -0.1278 }, { lat: 48.8566, lon: 2.3522 }, 344e3],
    [
      'New York–Los Angeles',
      { lat: 40.7128, lon: -74.006 },
      { lat: 34.0522, lon: -118.2437 },
      3936e3,
    ],
    ['Sydney–Auckland', { lat: -33.8688, lon: 151.2093 }, { lat: -36.8485, lon: 174.7633 }, 2156e3],
  ])('%s (%j to %j) is about %d m, within 1 %%', (_name, a, b, metres) => {
    const d = haversineMetres(a, b);
    expect(Math.abs(d - metres) / metres).toBeLessThan(0.01);
    expect(haversineMetres(b, a)).toBeCloseTo(d, 6);
  });

  it.each([
    ['the same point', { lat: 12.3, lon: 45.6 }, { lat: 12.3, lon: 45.6 }, 0],
    [
      'one degree of latitude',
      { lat: 0, lon: 0 },
      { lat: 1, lon: 0 },
      (Math.PI / 180) * EARTH_RADIUS_METRES,
    ],
    [
      'one degree of longitude on the equator',
      { lat: 0, lon: 10 },
      { lat: 0, lon: 11 },
      111_195.08,
    ],
    ['antipodes', { lat: 0, lon: 0 }, { lat: 0, lon: 180 }, Math.PI * EARTH_RADIUS_METRES],
    ['pole to pole', { lat: 90, lon: 0 }, { lat: -90, lon: 0 }, Math.PI * EARTH_RADIUS_METRES],
    ['across the date line', { lat: 0, lon: 179.5 }, { lat: 0, lon: -179.5 }, 111_195.08],
  ])('%s', (_name, a, b, metres) => {
    expect(haversineMetres(a, b)).toBeCloseTo(metres, 1);
  });
});

describe('travel time', () => {
  it.each([
    [10_000, undefined, 26], // 10 km × 1.3 = 13 km at 30 km/h
    [10_000, { speedKmh: 60, roadFactor: 1 }, 10],
    [10_000, { speedKmh: 40 }, 19.5], // 13 km at 40 km/h
    [5_000, { roadFactor: 1.5 }, 15], // 7.5 km at 30 km/h
    [0, undefined, 0],
  ])('%d m with %j takes %d minutes', (metres, travel, minutes) => {
    expect(travelMinutes(metres, travel)).toBeCloseTo(minutes, 9);
  });

  it('defaults to 30 km/h and a road factor of 1.3', () => {
    expect(DEFAULT_TRAVEL).toEqual({ speedKmh: 30, roadFactor: 1.3 });
    expect(travelModel()).toEqual({ speedKmh: 30, roadFactor: 1.3 });
  });

  it.each([[{ speedKmh: 0 }], [{ speedKmh: -5 }], [{ roadFactor: 0 }], [{ speedKmh: NaN }]])(
    'rejects %j',
    (travel) => {
      expect(() => travelMinutes(1000, travel)).toThrow(RangeError);
    },
  );

  it.each([
    [540, '9:00'],
    [545.4, '9:05'],
    [1019.6, '17:00'],
    [0, '0:00'],
  ])('formats %d as %s', (m, text) => {
    expect(formatMinutes(m)).toBe(text);
  });
});

describe('ordering', () => {
  // A square of side 0.01° on the equator, the base below it, a little left of the middle.
  const square: Stop[] = [
    { id: 'A', lat: 0, lon: 0, serviceMinutes: 0, priority: 1 },
    { id: 'B', lat: 0, lon: 0.01, serviceMinutes: 0, priority: 1 },
    { id: 'C', lat: 0.01, lon: 0.01, serviceMinutes: 0, priority: 1 },
    { id: 'D', lat: 0.01, lon: 0, serviceMinutes: 0, priority: 1 },
  ];
  const below = { lat: -0.005, lon: 0.003 };
  const side = 0.01 * (Math.PI / 180) * EARTH_RADIUS_METRES; // 1,111.95 m

  it('uncrosses the tour nearest neighbour makes around a square', () => {
    // NN: A (nearest), then B (tied with D, smaller id), C, D, and back: D→base crosses A–B.
    expect(nearestNeighbourOrder(below, square)).toEqual(['A', 'B', 'C', 'D']);
    const nn = pathMetres(below, square);
    expect(nn).toBeCloseTo(
      3 * side + haversineMetres(below, square[0]!) + haversineMetres(below, square[3]!),
      3, // the top side, at 0.01° north, is shorter by a factor cos(0.01°)
    );
    expect(nn).toBeCloseTo(5685, -1);
    const r = routeDay({ start: below, stops: square, shiftStart: 540, shiftEnd: 1020 });
    expect(ids(r)).toEqual(['A', 'D', 'C', 'B']);
    expect(r.totalMetres).toBeCloseTo(
      haversineMetres(below, square[0]!) + 3 * side + haversineMetres(square[1]!, below),
      3,
    );
    expect(r.totalMetres).toBeCloseTo(4941, -1);
    expect(r.totalMetres).toBeLessThan(nn);
  });

  it('finds the convex order of an octagon given scrambled (the known optimum)', () => {
    // Corners k = 0..7 of an octagon of radius 0.02°; the base is corner 6, the stops the other
    // seven with scrambled ids. Points in convex position: the optimum goes round the hull.
    const centre = { lat: 31.23, lon: 121.47 };
    const names = 'q3w9e1r0'; // corner k is stop `p${names[k]}`
    const corner = (k: number): Stop => ({
      id: `p${names[k]}`,
      lat: centre.lat + 0.02 * Math.cos((k * Math.PI) / 4),
      lon: centre.lon + 0.02 * Math.sin((k * Math.PI) / 4),
      serviceMinutes: 0,
      priority: 1,
    });
    const start: LatLon = corner(6);
    const stops = [3, 0, 5, 1, 7, 4, 2].map(corner);
    const round = [7, 0, 1, 2, 3, 4, 5].map((k) => corner(k).id);
    for (const end of ['return', 'open'] as const) {
      const r = routeDay({ start, end, stops, shiftStart: 0, shiftEnd: 10_000 });
      expect([round, [...round].reverse()]).toContainEqual(ids(r));
      expect(r.totalMetres).toBeCloseTo(bruteForceMetres(start, stops, end), 6);
    }
  });

  it('reaches the brute-force optimum on random 8-stop days (and is never far off)', () => {
    let exact = 0;
    let total = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const r = new Random(`tsp-${seed}`);
      const start = { lat: 48.85, lon: 2.35 };
      const stops = randomStops(r, 8, start);
      for (const end of ['return', 'open', { lat: 48.9, lon: 2.3 }] as const) {
        const route = routeDay({ start, end, stops, shiftStart: 0, shiftEnd: 1e6 });
        const best = bruteForceMetres(start, stops, end);
        expect(route.totalMetres).toBeGreaterThanOrEqual(best - 1e-6);
        expect(route.totalMetres).toBeLessThanOrEqual(best * 1.05);
        total++;
        if (route.totalMetres <= best + 1e-6) exact++;
      }
    }
    // 2-opt and 3-opt moves find local optima; on these 120 cases all but a few are global.
    expect(exact).toBeGreaterThanOrEqual(114);
    expect(total).toBe(120);
  });

  it('is never longer than nearest neighbour', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = new Random(`nn-${seed}`);
      const start = { lat: 31.2 + r.next() * 0.1, lon: 121.4 + r.next() * 0.1 };
      const stops = randomStops(r, r.int(2, 40), start, 0.2);
      const end: RouteEnd = seed % 3 === 0 ? 'open' : seed % 3 === 1 ? 'return' : east(0);
      const byId = new Map(stops.map((s) => [s.id, s]));
      const nn = pathMetres(
        start,
        nearestNeighbourOrder(start, stops, end).map((id) => byId.get(id)!),
        end,
      );
      const route = routeDay({ start, end, stops, shiftStart: 0, shiftEnd: 1e9 });
      expect(route.totalMetres).toBeLessThanOrEqual(nn + 1e-6);
      expect(route.stops).toHaveLength(stops.length);
    }
  });

  it.each([
    // [stops as km east, end, expected order]
    [
      [
        ['a', 3],
        ['b', 1],
        ['c', 2],
      ],
      'open',
      ['b', 'c', 'a'],
    ],
    [
      [
        ['a', -3],
        ['b', 5],
        ['c', -1],
      ],
      'open',
      ['c', 'a', 'b'],
    ],
    [
      [
        ['a', 3],
        ['b', 1],
        ['c', 2],
      ],
      east(10),
      ['b', 'c', 'a'],
    ],
    [
      [
        ['a', -2],
        ['b', 3],
        ['c', 6],
      ],
      east(10),
      ['a', 'b', 'c'],
    ],
  ] as [[string, number][], RouteEnd, string[]][])(
    'orders stops on a line %j ending %j',
    (line, end, expected) => {
      const stops = line.map(([id, km]) => stop(id, km));
      const r = routeDay({ start: BASE, end, stops, shiftStart: 0, shiftEnd: 1e6 });
      expect(ids(r)).toEqual(expected);
    },
  );

  it('ends where asked: back at base, at a point, or at the last stop', () => {
    const stops = [stop('a', 2), stop('b', 4)];
    const back = routeDay({
      start: BASE,
      stops,
      shiftStart: 540,
      shiftEnd: 1020,
      travel: KM_PER_MINUTE,
    });
    expect(back.end).toEqual(BASE);
    expect(back.endLegMetres).toBeCloseTo(4000, 6);
    expect(back.totalMetres).toBeCloseTo(8000, 6);
    expect(back.finish).toBeCloseTo(548, 6);
    const open = routeDay({
      start: BASE,
      end: 'open',
      stops,
      shiftStart: 540,
      shiftEnd: 1020,
      travel: KM_PER_MINUTE,
    });
    expect(open.end).toBeNull();
    expect(open.endLegMetres).toBe(0);
    expect(open.totalMetres).toBeCloseTo(4000, 6);
    expect(open.finish).toBeCloseTo(544, 6);
    const office = routeDay({
      start: BASE,
      end: east(10),
      stops,
      shiftStart: 540,
      shiftEnd: 1020,
      travel: KM_PER_MINUTE,
    });
    expect(office.endLegMetres).toBeCloseTo(6000, 6);
    expect(office.finish).toBeCloseTo(550, 6);
  });

  it('routes an empty day', () => {
    const r = routeDay({ start: BASE, stops: [], shiftStart: 540, shiftEnd: 1020 });
    expect(r).toMatchObject({
      stops: [],
      dropped: [],
      totalMetres: 0,
      totalMinutes: 0,
      finish: 540,
    });
  });

  it('is deterministic: the same day whatever the order of the stops', () => {
    const r = new Random('det');
    const start = { lat: 51.5, lon: -0.12 };
    const stops = randomStops(r, 25, start).map((s, i) => ({
      ...s,
      serviceMinutes: 15,
      priority: i % 4,
      ...(i % 5 === 0 ? { window: { from: 600 + i * 5, to: 660 + i * 5 } } : {}),
    }));
    const req = { start, stops, shiftStart: 540, shiftEnd: 900 };
    const first = routeDay(req);
    for (let k = 0; k < 5; k++) {
      expect(routeDay({ ...req, stops: shuffled(stops, r) })).toEqual(first);
    }
    expectConsistent(req, first);
  });

  it('breaks ties between stops at the same place by id', () => {
    const stops = [stop('z', 5), stop('m', 5), stop('a', 5)];
    const r = routeDay({ start: BASE, end: 'open', stops, shiftStart: 0, shiftEnd: 1e6 });
    expect(ids(r)).toEqual(['a', 'm', 'z']);
  });
});

describe('schedule', () => {
  const day = (stops: Stop[], more: Partial<RouteRequest> = {}): RouteRequest => ({
    start: BASE,
    stops,
    shiftStart: 540,
    shiftEnd: 1020,
    travel: KM_PER_MINUTE,
    ...more,
  });

  it('times a day: travel, service, return', () => {
    const req = day([stop('a', 10, { serviceMinutes: 20 }), stop('b', 15, { serviceMinutes: 10 })]);
    const r = routeDay(req);
    expect(r.stops.map((s) => [s.id, s.seq, s.arrive, s.depart])).toEqual([
      ['a', 1, expect.closeTo(550, 6), expect.closeTo(570, 6)],
      ['b', 2, expect.closeTo(575, 6), expect.closeTo(585, 6)],
    ]);
    expect(r.stops.map((s) => Math.round(s.legMetres))).toEqual([10_000, 5_000]);
    expect(r.finish).toBeCloseTo(600, 6);
    expect(r.totalMinutes).toBeCloseTo(60, 6);
    expect(r.travelMinutes).toBeCloseTo(30, 6);
    expect(r.serviceMinutes).toBe(30);
    expect(r.totalMetres).toBeCloseTo(30_000, 6);
    expectConsistent(req, r);
  });

  it('waits when early for a window', () => {
    const req = day([stop('a', 10, { serviceMinutes: 15, window: { from: 570, to: 600 } })]);
    const r = routeDay(req);
    expect(r.stops[0]).toMatchObject({ id: 'a', wait: expect.closeTo(20, 6), start: 570 });
    expect(r.stops[0]!.arrive).toBeCloseTo(550, 6);
    expect(r.stops[0]!.depart).toBeCloseTo(585, 6);
    expect(r.finish).toBeCloseTo(595, 6);
    expect(r.waitMinutes).toBeCloseTo(20, 6);
    expect(r.totalMinutes).toBeCloseTo(55, 6);
    expectConsistent(req, r);
  });

  it('takes a longer order when a window needs it', () => {
    // a then b is 14 km, b then a 22 km, but b must be started by 9:15.
    const stops = [stop('a', 2, { serviceMinutes: 10 }), stop('b', -10, { serviceMinutes: 10 })];
    expect(ids(routeDay(day(stops, { end: 'open' })))).toEqual(['a', 'b']);
    const req = day([stops[0]!, { ...stops[1]!, window: { from: 540, to: 555 } }], { end: 'open' });
    const r = routeDay(req);
    expect(ids(r)).toEqual(['b', 'a']);
    expect(r.dropped).toEqual([]);
    expect(r.stops[0]!.arrive).toBeCloseTo(550, 6);
    expect(r.stops[1]!.arrive).toBeCloseTo(572, 6);
    expect(r.totalMetres).toBeCloseTo(22_000, 6);
    expectConsistent(req, r);
  });

  // a (10 km) must start by 9:15 and b (20 km) by 9:25; either way round, serving one for 30
  // minutes makes the other late. The lower priority goes.
  it.each([
    [
      'the earlier stop, when it is the lower priority',
      { a: 1, b: 5 },
      'b',
      {
        id: 'a',
        code: 'window',
        reason: 'dropped so that b (priority 5) can be visited in its window 9:00–9:25',
      },
    ],
    [
      'the late stop, when it is the lower priority',
      { a: 5, b: 1 },
      'a',
      { id: 'b', code: 'window', reason: 'would arrive at 9:50, after its window 9:00–9:25' },
    ],
  ])('drops %s', (_name, priority, kept, dropped) => {
    const req = day([
      stop('a', 10, { serviceMinutes: 30, priority: priority.a, window: { from: 540, to: 555 } }),
      stop('b', 20, { serviceMinutes: 30, priority: priority.b, window: { from: 540, to: 565 } }),
    ]);
    const r = routeDay(req);
    expect(ids(r)).toEqual([kept]);
    expect(r.dropped).toEqual([{ ...dropped, priority: Math.min(priority.a, priority.b) }]);
    expectConsistent(req, r);
  });

  it.each([
    [
      'whose window it cannot make even going straight there',
      stop('far', 30, { priority: 9, window: { from: 540, to: 560 } }),
      'window',
      'would arrive at 9:30, after its window 9:00–9:20, even going straight there',
    ],
    [
      'that does not fit the shift even alone',
      stop('far', 50, { priority: 9, serviceMinutes: 10 }),
      'shift-end',
      'does not fit the shift even alone: day would end at 10:50, after the shift end 10:00',
    ],
  ])('drops a stop %s, whatever its priority', (_name, hopeless, code, reason) => {
    const req = day([hopeless, stop('near', 5, { priority: 0 })], { shiftEnd: 600 });
    const r = routeDay(req);
    expect(ids(r)).toEqual(['near']);
    expect(r.dropped).toEqual([{ id: 'far', priority: 9, code, reason }]);
    expectConsistent(req, r);
  });

  it.each([
    [
      'the lowest priority',
      [
        stop('e', 10, { serviceMinutes: 60, priority: 3 }),
        stop('w', -10, { serviceMinutes: 60, priority: 1 }),
      ],
      ['e'],
      [
        {
          id: 'w',
          priority: 1,
          code: 'shift-end',
          reason: 'day would end at 11:40, after the shift end 10:40',
        },
      ],
    ],
    [
      'among equals, the one that saves the most time',
      [stop('e', 10, { serviceMinutes: 30 }), stop('w', -20, { serviceMinutes: 30 })],
      ['e'],
      [
        {
          id: 'w',
          priority: 1,
          code: 'shift-end',
          reason: 'day would end at 11:00, after the shift end 10:40',
        },
      ],
    ],
    [
      'until the day fits',
      [
        stop('a', 5, { serviceMinutes: 30, priority: 1 }),
        stop('b', 6, { serviceMinutes: 30, priority: 2 }),
        stop('c', 7, { serviceMinutes: 30, priority: 3 }),
        stop('d', 8, { serviceMinutes: 30, priority: 4 }),
      ],
      ['c', 'd'],
      [
        {
          id: 'a',
          priority: 1,
          code: 'shift-end',
          reason: 'day would end at 11:16, after the shift end 10:40',
        },
        {
          id: 'b',
          priority: 2,
          code: 'shift-end',
          reason: 'day would end at 10:46, after the shift end 10:40',
        },
      ],
    ],
  ])('drops stops past the shift end: %s', (_name, stops, kept, dropped) => {
    const req = day(stops, { shiftEnd: 640 });
    const r = routeDay(req);
    expect(ids(r)).toEqual(kept);
    expect(r.dropped).toEqual(dropped);
    expectConsistent(req, r);
  });

  it('takes back a stop dropped early when a later drop made room', () => {
    // low (priority 1) goes first, but the day still does not fit until huge (2) goes too; then
    // low fits again.
    const req = day(
      [
        stop('low', 1, { serviceMinutes: 5, priority: 1 }),
        stop('huge', -30, { serviceMinutes: 10, priority: 2 }),
        stop('keep', 5, { serviceMinutes: 20, priority: 3 }),
      ],
      { shiftEnd: 600 },
    );
    const r = routeDay(req);
    expect(ids(r)).toEqual(['low', 'keep']);
    expect(r.dropped.map((d) => [d.id, d.code])).toEqual([['huge', 'shift-end']]);
    expect(r.finish).toBeCloseTo(575, 6);
    expectConsistent(req, r);
  });

  it('ends an open day at the last departure', () => {
    const req = day(
      [stop('a', 30, { serviceMinutes: 20 }), stop('b', 10, { serviceMinutes: 20 })],
      {
        end: 'open',
        shiftEnd: 600,
      },
    );
    const r = routeDay(req);
    // b then a would end at 10:10 (10 + 20 + 20 + 20 minutes); dropping a saves the most.
    expect(ids(r)).toEqual(['b']);
    expect(r.finish).toBeCloseTo(570, 6);
    expectConsistent(req, r);
  });

  it('drops invalid and repeated stops up front', () => {
    const r = routeDay(
      day([
        stop('ok', 1),
        { ...stop('nowhere', 1), lat: 95 },
        { ...stop('nan', 1), lon: NaN },
        stop('neg', 1, { serviceMinutes: -5 }),
        stop('win', 1, { window: { from: 600, to: 580 } }),
        stop('ok', 2),
      ]),
    );
    expect(ids(r)).toEqual(['ok']);
    expect(r.stops[0]!.legMetres).toBeCloseTo(1000, 6);
    expect(r.dropped.map((d) => [d.id, d.code])).toEqual([
      ['nowhere', 'invalid'],
      ['nan', 'invalid'],
      ['neg', 'invalid'],
      ['win', 'invalid'],
      ['ok', 'duplicate'],
    ]);
  });

  it('rejects a request without a valid start or shift', () => {
    expect(() => routeDay(day([], { start: { lat: NaN, lon: 0 } }))).toThrow(RangeError);
    expect(() => routeDay(day([], { shiftEnd: NaN }))).toThrow(RangeError);
    expect(() => routeDay(day([], { end: { lat: 0, lon: 200 } }))).toThrow(RangeError);
  });

  it('keeps every window and the shift end on random days', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = new Random(`sched-${seed}`);
      const start = { lat: 45.46, lon: 9.19 };
      const stops = randomStops(r, r.int(5, 30), start, 0.15).map((s) => ({
        ...s,
        serviceMinutes: r.int(5, 40),
        priority: r.int(0, 4),
        ...(r.chance(0.4) ? { window: { from: r.int(540, 900), to: 0 } } : {}),
      }));
      for (const s of stops) if (s.window) s.window.to = s.window.from + r.int(0, 120);
      const req: RouteRequest = {
        start,
        end: seed % 2 ? 'return' : 'open',
        stops,
        shiftStart: 540,
        shiftEnd: r.int(700, 1080),
      };
      const route = routeDay(req);
      expectConsistent(req, route);
      for (const d of route.dropped) expect(['window', 'shift-end']).toContain(d.code);
    }
  });
});

describe('adding a stop to a routed day', () => {
  const req: RouteRequest = {
    start: BASE,
    stops: [stop('a', 10, { serviceMinutes: 20 }), stop('b', 20, { serviceMinutes: 20 })],
    shiftStart: 540,
    shiftEnd: 660,
    travel: KM_PER_MINUTE,
  };
  const route = routeDay(req);

  it('puts it where it adds the least, if the day still fits', () => {
    expect(route.finish).toBeCloseTo(620, 6);
    const next = tryInsertStop(req, route, stop('c', 15, { serviceMinutes: 10 }))!;
    expect(ids(next)).toEqual(['a', 'c', 'b']);
    expect(next.finish).toBeCloseTo(630, 6);
    expectConsistent(
      { ...req, stops: [...req.stops, stop('c', 15, { serviceMinutes: 10 })] },
      next,
    );
  });

  const tight: RouteRequest = {
    ...req,
    stops: [req.stops[0]!, { ...req.stops[1]!, window: { from: 540, to: 580 } }],
    shiftEnd: 625,
  };
  it.each([
    ['past the shift end', req, stop('c', 15, { serviceMinutes: 45 })],
    ['outside its window', req, stop('c', 5, { window: { from: 540, to: 544 } })],
    // Before a or b, b is late (9:50, 10:00 > 9:40); after b, the day ends at 10:30 > 10:25.
    [
      'when it makes a later stop late or the day too long',
      tight,
      stop('c', 5, { serviceMinutes: 10 }),
    ],
    ['already on the route', req, stop('a', 10)],
  ])('refuses it %s', (_name, request, extra) => {
    const r = routeDay(request);
    expect(r.dropped).toEqual([]);
    expect(tryInsertStop(request, r, extra)).toBeNull();
  });

  it('uses waiting time to fit a stop in', () => {
    const waiting: RouteRequest = {
      ...req,
      stops: [stop('a', 10, { serviceMinutes: 20, window: { from: 600, to: 610 } })],
      shiftEnd: 640,
    };
    const r = routeDay(waiting);
    expect(r.waitMinutes).toBeCloseTo(50, 6);
    expect(r.finish).toBeCloseTo(630, 6);
    // 30 minutes of service fit in the wait; the day still ends at 10:30.
    const next = tryInsertStop(waiting, r, stop('c', 5, { serviceMinutes: 30 }))!;
    expect(ids(next)).toEqual(['c', 'a']);
    expect(next.finish).toBeCloseTo(630, 6);
  });
});
