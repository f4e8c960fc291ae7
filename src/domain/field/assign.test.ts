import { describe, expect, it } from 'vitest';
import { Random } from '../portfolio/random.ts';
import {
  assignVisits,
  planFieldDay,
  type FieldAgent,
  type FieldDayPlan,
  type FieldVisit,
  type PlanOptions,
} from './assign.ts';
import { EARTH_RADIUS_METRES, type LatLon } from './routing.ts';

/** A point `km` east of (0, 0) on the equator. */
const east = (km: number): LatLon => ({
  lat: 0,
  lon: ((km * 1000) / EARTH_RADIUS_METRES) * (180 / Math.PI),
});
/** One kilometre is one minute. */
const KM: PlanOptions = { travel: { speedKmh: 60, roadFactor: 1 } };

const agent = (id: string, km: number, extra: Partial<FieldAgent> = {}): FieldAgent => ({
  id,
  territory: 'north',
  capacity: 10,
  base: east(km),
  shiftStart: 540,
  shiftEnd: 1020,
  ...extra,
});

const visit = (id: string, km: number, extra: Partial<FieldVisit> = {}): FieldVisit => ({
  id,
  territory: 'north',
  ...east(km),
  priority: 1,
  serviceMinutes: 10,
  ...extra,
});

const given = (plan: { visitsByAgent: Map<string, FieldVisit[]> }): Record<string, string[]> =>
  Object.fromEntries([...plan.visitsByAgent].map(([id, vs]) => [id, vs.map((v) => v.id)]));

const routed = (plan: FieldDayPlan): Record<string, string[]> =>
  Object.fromEntries(plan.agents.map((a) => [a.agentId, a.route.stops.map((s) => s.id)]));

const why = (plan: { unassigned: { id: string; code: string; reason: string }[] }) =>
  plan.unassigned.map((u) => [u.id, u.code, u.reason]);

function shuffled<T>(items: readonly T[], r: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('who may take a visit', () => {
  it.each([
    [
      'no agent in the territory',
      [agent('a1', 0)],
      visit('v', 1, { territory: 'south' }),
      ['v', 'no-agent', 'no field agent covers territory south'],
    ],
    [
      'nobody speaks the language',
      [agent('a1', 0, { languages: ['en', 'fr'] })],
      visit('v', 1, { language: 'zh' }),
      ['v', 'language', 'no agent speaks zh in territory north'],
    ],
    [
      'only agents of another territory speak it',
      [
        agent('a1', 0, { languages: ['en'] }),
        agent('s1', 0, { territory: 'south', languages: ['zh'] }),
      ],
      visit('v', 1, { language: 'zh' }),
      ['v', 'language', 'no agent speaks zh in territory north'],
    ],
    [
      'nobody has the skill',
      [agent('a1', 0, { skills: ['legal'] })],
      visit('v', 1, { skills: ['locksmith'] }),
      ['v', 'skill', 'no agent in territory north has the skill locksmith'],
    ],
    [
      'the speakers lack the skill',
      [
        agent('a1', 0, { languages: ['zh'] }),
        agent('a2', 0, { skills: ['legal'], languages: ['en'] }),
      ],
      visit('v', 1, { language: 'zh', skills: ['legal'] }),
      ['v', 'skill', 'no agent in territory north speaking zh has the skill legal'],
    ],
  ])('refuses a visit when %s', (_name, agents, v, reason) => {
    const plan = planFieldDay(agents, [v], KM);
    expect(why(plan)).toEqual([reason]);
    expect(plan.agents.every((a) => a.route.stops.length === 0)).toBe(true);
  });

  it.each([
    ['lists no languages', agent('a1', 0), 'zh'],
    ['speaks it', agent('a1', 0, { languages: ['en', 'zh'] }), 'zh'],
    ['speaks it, written differently', agent('a1', 0, { languages: [' ZH '] }), 'zh'],
    ['speaks it, the visit written differently', agent('a1', 0, { languages: ['zh'] }), 'Zh'],
    ['is not asked for a language (empty)', agent('a1', 0, { languages: ['en'] }), ' '],
  ])('gives a visit to an agent who %s', (_name, a, language) => {
    const plan = planFieldDay([a], [visit('v', 1, { language })], KM);
    expect(routed(plan)).toEqual({ a1: ['v'] });
    expect(plan.unassigned).toEqual([]);
  });

  it('goes past a nearer agent who does not speak the language', () => {
    const agents = [
      agent('near', 0, { languages: ['en'] }),
      agent('far', 20, { languages: ['zh'] }),
    ];
    const plan = planFieldDay(agents, [visit('v', 1, { language: 'zh' }), visit('w', -5)], KM);
    expect(routed(plan)).toEqual({ far: ['v'], near: ['w'] });
  });

  it('needs every skill the visit asks for', () => {
    const agents = [
      agent('one', 0, { skills: ['legal'] }),
      agent('both', 30, { skills: ['Legal', 'locksmith'] }),
    ];
    const plan = planFieldDay(agents, [visit('v', 1, { skills: ['legal', 'locksmith'] })], KM);
    expect(routed(plan)).toEqual({ both: ['v'], one: [] });
  });
});

describe('assigning', () => {
  it('gives each visit to the agent whose base is nearest', () => {
    const plan = assignVisits(
      [agent('west', 0), agent('east', 30)],
      [visit('v1', 2), visit('v2', 28), visit('v3', -5), visit('v4', 35)],
      KM,
    );
    expect(given(plan)).toEqual({ east: ['v2', 'v4'], west: ['v1', 'v3'] });
  });

  it("prefers an agent's current cluster to another agent's base", () => {
    // v1 (priority 9) at 14 km is nearer west's base (14) than east's (16). v2 at 17 km is nearer
    // east's base (13) but nearer still to west's cluster (3 km from v1).
    const plan = assignVisits(
      [agent('west', 0), agent('east', 30)],
      [visit('v2', 17, { priority: 8 }), visit('v1', 14, { priority: 9 })],
      KM,
    );
    expect(given(plan)).toEqual({ east: [], west: ['v1', 'v2'] });
  });

  it('breaks a tie in distance by the fewer visits, then by agent id', () => {
    const plan = assignVisits(
      [agent('b', 0), agent('a', 0)],
      [visit('v1', 5, { priority: 3 }), visit('v2', -5, { priority: 2 }), visit('v3', 50)],
      KM,
    );
    // v1: tie, a by id. v2: 5 km from both bases (a's cluster v1 is 10 km off): b, fewer visits.
    expect(given(plan)).toEqual({ a: ['v1', 'v3'], b: ['v2'] });
  });

  it('fills the territory highest priority first and leaves the rest for capacity', () => {
    const agents = [agent('a1', 0, { capacity: 2 }), agent('a2', 10, { capacity: 1 })];
    const visits = [
      visit('e', 1, { priority: 1 }),
      visit('d', 2, { priority: 2 }),
      visit('c', 3, { priority: 3 }),
      visit('b', 4, { priority: 3 }),
      visit('a', 5, { priority: 5 }),
    ];
    const plan = planFieldDay(agents, visits, KM);
    // a (5), then b and c (3, by id) take the three places; d and e are left.
    expect(Object.values(routed(plan)).flat().sort()).toEqual(['a', 'b', 'c']);
    expect(why(plan)).toEqual([
      ['d', 'capacity', 'capacity of territory north is full'],
      ['e', 'capacity', 'capacity of territory north is full'],
    ]);
  });

  it('says whose capacity is full when only some agents could take the visit', () => {
    const agents = [
      agent('zh', 0, { capacity: 1, languages: ['zh'] }),
      agent('en', 0, { languages: ['en'] }),
    ];
    const visits = [
      visit('v1', 1, { language: 'zh', priority: 2 }),
      visit('v2', 2, { language: 'zh' }),
    ];
    const plan = planFieldDay(agents, visits, KM);
    expect(routed(plan)).toEqual({ en: [], zh: ['v1'] });
    expect(why(plan)).toEqual([
      ['v2', 'capacity', 'capacity of territory north is full for agents speaking zh'],
    ]);
  });

  it('leaves an agent with no capacity out', () => {
    const plan = planFieldDay([agent('a1', 0, { capacity: 0 })], [visit('v', 1)], KM);
    expect(why(plan)).toEqual([['v', 'capacity', 'capacity of territory north is full']]);
  });

  it('stops giving an agent visits when its day is estimated full', () => {
    // 25 minutes a visit in a one-hour shift: the third does not fit.
    const agents = [agent('a1', 0, { shiftEnd: 600 })];
    const visits = ['v1', 'v2', 'v3'].map((id) => visit(id, 1, { serviceMinutes: 25 }));
    expect(given(assignVisits(agents, visits, KM))).toEqual({ a1: ['v1', 'v2'] });
    const plan = planFieldDay(agents, visits, KM);
    expect(routed(plan)).toEqual({ a1: ['v1', 'v2'] });
    expect(why(plan)).toEqual([['v3', 'time', 'no time left in the shifts of territory north']]);
  });

  it('reports invalid and repeated visits', () => {
    const plan = planFieldDay(
      [agent('a1', 0)],
      [
        visit('ok', 1),
        visit('ok', 2),
        { ...visit('far', 1), lat: 91 },
        visit('neg', 1, { serviceMinutes: -1 }),
        visit('', 1),
      ],
      KM,
    );
    expect(routed(plan)).toEqual({ a1: ['ok'] });
    expect(plan.unassigned.map((u) => [u.id, u.code])).toEqual([
      ['', 'invalid'],
      ['far', 'invalid'],
      ['neg', 'invalid'],
      ['ok', 'duplicate'],
    ]);
  });

  it.each([
    ['a repeated id', [agent('a1', 0), agent('a1', 1)]],
    ['no base', [{ ...agent('a1', 0), base: { lat: NaN, lon: 0 } }]],
    ['a negative capacity', [agent('a1', 0, { capacity: -1 })]],
    ['no shift', [agent('a1', 0, { shiftEnd: NaN })]],
  ])('rejects agents with %s', (_name, agents) => {
    expect(() => planFieldDay(agents, [], KM)).toThrow(RangeError);
  });
});

describe('planning the day', () => {
  it('routes each agent and ends where asked', () => {
    const agents = [agent('a1', 0), agent('a2', 50, { end: 'return' })];
    const visits = [visit('v1', 3), visit('v2', 1), visit('v3', 2), visit('v4', 48)];
    const plan = planFieldDay(agents, visits, { ...KM, end: 'open' });
    expect(routed(plan)).toEqual({ a1: ['v2', 'v3', 'v1'], a2: ['v4'] });
    const [a1, a2] = plan.agents;
    expect(a1!.route.end).toBeNull();
    expect(a1!.route.finish).toBeCloseTo(540 + 3 + 30, 6);
    expect(a2!.route.end).toEqual(east(50));
    expect(a2!.route.finish).toBeCloseTo(540 + 4 + 10, 6);
  });

  it("gives a visit another agent's day when it does not fit the first", () => {
    // west gets both (nearest), but can keep only one window: v2 goes; east, 17 km from v2,
    // still reaches it by 9:20.
    const agents = [agent('west', 0), agent('east', 20)];
    const visits = [
      visit('v1', 2, { priority: 9, serviceMinutes: 30, window: { from: 540, to: 545 } }),
      visit('v2', 3, { priority: 1, serviceMinutes: 30, window: { from: 540, to: 560 } }),
    ];
    expect(given(assignVisits(agents, visits, KM))).toEqual({ east: [], west: ['v1', 'v2'] });
    const plan = planFieldDay(agents, visits, KM);
    expect(routed(plan)).toEqual({ east: ['v2'], west: ['v1'] });
    expect(plan.unassigned).toEqual([]);
    expect(plan.agents.every((a) => a.route.dropped.length === 0)).toBe(true);
    expect(plan.agents[0]!.route.stops[0]!.arrive).toBeCloseTo(557, 6);
  });

  it('reports the visits that fit no day, with the agent and the reason', () => {
    // The estimate lets all three in (v1 and v2 on opposite sides look cheaper than they are);
    // the real day ends at 9:57, past 9:52, so the lowest priority goes. v4 found a1 full, and
    // later, with a place free, not enough time.
    const agents = [agent('a1', 0, { capacity: 3, shiftEnd: 592 })];
    const visits = [
      visit('v1', 10, { priority: 4, serviceMinutes: 5 }),
      visit('v2', -10, { priority: 3, serviceMinutes: 5 }),
      visit('v3', 11, { priority: 2, serviceMinutes: 5 }),
      visit('v4', 12, { priority: 1, serviceMinutes: 5 }),
    ];
    expect(assignVisits(agents, visits, KM).unassigned.map((u) => [u.id, u.code])).toEqual([
      ['v4', 'capacity'],
    ]);
    const plan = planFieldDay(agents, visits, KM);
    expect(routed(plan)).toEqual({ a1: ['v1', 'v2'] });
    expect(plan.unassigned).toEqual([
      {
        id: 'v3',
        territory: 'north',
        priority: 2,
        code: 'shift-end',
        reason: 'day would end at 9:57, after the shift end 9:52',
        agentId: 'a1',
      },
      {
        id: 'v4',
        territory: 'north',
        priority: 1,
        code: 'time',
        reason: 'no time left in the shifts of territory north',
      },
    ]);
    expect(plan.agents[0]!.route.dropped.map((d) => d.id)).toEqual(['v3']);
  });

  it('is deterministic: the same plan whatever the order of agents and visits', () => {
    const r = new Random('plan-det');
    const territories = ['north', 'south', 'east'];
    const agents: FieldAgent[] = Array.from({ length: 9 }, (_, i) => ({
      id: `a${i}`,
      territory: territories[i % 3]!,
      capacity: r.int(3, 12),
      base: { lat: 31.2 + r.next() * 0.2, lon: 121.4 + r.next() * 0.2 },
      shiftStart: 540,
      shiftEnd: 1020,
      ...(i % 2 ? { languages: ['zh', 'en'] } : { languages: ['en'] }),
    }));
    const visits: FieldVisit[] = Array.from({ length: 150 }, (_, i) => ({
      id: `v${String(i).padStart(3, '0')}`,
      territory: r.pick([...territories, 'west']),
      lat: 31.2 + r.next() * 0.2,
      lon: 121.4 + r.next() * 0.2,
      priority: r.int(0, 3),
      serviceMinutes: r.int(10, 40),
      ...(r.chance(0.2) ? { language: r.pick(['zh', 'en', 'ko']) } : {}),
      ...(r.chance(0.2) ? { window: { from: 600, to: 600 + r.int(0, 240) } } : {}),
    }));
    const first = planFieldDay(agents, visits);
    expect(planFieldDay(agents, visits)).toEqual(first);
    for (let k = 0; k < 3; k++) {
      expect(planFieldDay(shuffled(agents, r), shuffled(visits, r))).toEqual(first);
    }
    const codes = new Set(first.unassigned.map((u) => u.code));
    expect(codes).toContain('no-agent'); // west
    expect(codes).toContain('language'); // ko
  });

  it('keeps every rule on a large day (2,000 visits, 50 agents)', () => {
    const r = new Random('large');
    const agents: FieldAgent[] = Array.from({ length: 50 }, (_, i) => ({
      id: `a${String(i).padStart(2, '0')}`,
      territory: `t${i % 10}`,
      capacity: r.int(8, 25),
      base: { lat: 48.8 + (i % 10) * 0.05 + r.next() * 0.05, lon: 2.2 + r.next() * 0.3 },
      shiftStart: 480 + r.int(0, 2) * 30,
      shiftEnd: 1020,
      // Agents of t0 and t5 list no languages; elsewhere even territories speak Arabic too.
      ...(i % 5 === 0 ? {} : { languages: i % 2 === 0 ? ['fr', 'ar'] : ['fr'] }),
    }));
    const visits: FieldVisit[] = Array.from({ length: 2000 }, (_, i) => {
      const t = r.int(0, 10); // t10 has no agents
      return {
        id: `v${String(i).padStart(4, '0')}`,
        territory: `t${t}`,
        lat: 48.8 + Math.min(t, 9) * 0.05 + r.next() * 0.05,
        lon: 2.2 + r.next() * 0.3,
        priority: r.int(0, 9),
        serviceMinutes: r.int(10, 45),
        ...(r.chance(0.1) ? { language: r.pick(['ar', 'zh']) } : {}),
        ...(r.chance(0.15) ? { window: { from: r.int(540, 900), to: 0 } } : {}),
      };
    });
    for (const v of visits) if (v.window) v.window.to = v.window.from + 60;
    const plan = planFieldDay(agents, visits);

    const byId = new Map(visits.map((v) => [v.id, v]));
    const agentById = new Map(agents.map((a) => [a.id, a]));
    const seen = new Map<string, number>();
    for (const day of plan.agents) {
      const a = agentById.get(day.agentId)!;
      expect(day.route.stops.length).toBeLessThanOrEqual(a.capacity);
      expect(day.route.finish).toBeLessThanOrEqual(a.shiftEnd + 1e-6);
      for (const s of day.route.stops) {
        const v = byId.get(s.id)!;
        expect(v.territory).toBe(a.territory);
        if (v.language && a.languages) expect(a.languages).toContain(v.language);
        if (v.window) {
          expect(s.start).toBeGreaterThanOrEqual(v.window.from);
          expect(s.start).toBeLessThanOrEqual(v.window.to + 1e-6);
        }
        seen.set(s.id, (seen.get(s.id) ?? 0) + 1);
      }
    }
    for (const u of plan.unassigned) seen.set(u.id, (seen.get(u.id) ?? 0) + 1);
    expect(seen.size).toBe(visits.length);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    const assigned = plan.agents.reduce((n, d) => n + d.route.stops.length, 0);
    expect(assigned).toBeGreaterThan(500);
    // Visits no agent could take are those of t10 and languages nobody in the territory speaks.
    const codes = new Map<string, number>();
    for (const u of plan.unassigned) {
      codes.set(u.code, (codes.get(u.code) ?? 0) + 1);
      const v = byId.get(u.id)!;
      const team = agents.filter((a) => a.territory === v.territory);
      if (u.code === 'no-agent') expect(v.territory).toBe('t10');
      else expect(team.length).toBeGreaterThan(0);
      if (u.code === 'language')
        for (const a of team) expect(a.languages ?? [v.language]).not.toContain(v.language);
    }
    expect([...codes.keys()].sort()).toEqual(
      ['capacity', 'language', 'no-agent', 'shift-end', 'time', 'window'].filter((c) =>
        codes.has(c),
      ),
    );
    expect(codes.get('language')).toBeGreaterThan(0);
    // Higher priorities fare better.
    const share = (p: number): number => {
      const all = visits.filter((v) => v.priority === p && v.territory !== 't10');
      return all.filter((v) => !plan.unassigned.some((u) => u.id === v.id)).length / all.length;
    };
    expect(share(9)).toBeGreaterThan(share(0));
  });
});
