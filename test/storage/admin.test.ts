/**
 * Administration over HTTP: the rule sets in force and whom they govern, contact calendars
 * (and the contact rules refusing a contact on a holiday put there), teams with members, field
 * territories; each change audited with what it replaced; bad rows named; nothing half-written.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { testServer } from '../support/auth.ts';
import { csv, folderWith } from '../support/files.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const clock = fixedClock('2026-05-01T12:00:00Z');
const compliance = { 'x-recoup-user': 'cora', 'x-recoup-role': 'compliance_officer' };
const supervisor = { 'x-recoup-user': 'sam', 'x-recoup-role': 'supervisor' };

describe(`administration API (${ENGINE})`, () => {
  let p: Platform;
  let app: FastifyInstance;

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    const folder = folderWith({
      'customers.csv': csv(
        'customer_id,name,timezone,language,jurisdiction',
        'C1,Ann Lee,America/New_York,en,US-NY',
        'C2,Bo Li,Asia/Shanghai,zh-CN,CN',
        'C3,Cy Roe,America/Chicago,en,US',
        'C4,Di Fay,Europe/Paris,en,FR',
      ),
      'accounts.csv': csv(
        'account_id,customer_id,product,currency,principal,opened_on',
        'A1,C1,card,USD,100.00,2026-01-01',
      ),
    });
    expect((await importPortfolio(new CsvFolderSource(folder), p.imports)).status).toBe('imported');
    app = await buildServer(p, testServer);
    const r = await app.inject({
      method: 'PUT',
      url: '/api/collectors',
      payload: {
        teams: [{ id: 'desk-en', name: 'English desk' }],
        collectors: [
          { id: 'c1', name: 'Cal', team: 'desk-en' },
          { id: 'c2', name: 'Dee' },
          { id: 'c3', name: 'Eve', team: 'desk-en' },
        ],
      },
    });
    expect(r.statusCode).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await p?.close();
  });

  it('lists the rule sets in force with the customers each governs', async () => {
    const r = (await app.inject('/api/compliance/rule-sets')).json();
    const us = r.ruleSets.find((x: { id: string }) => x.id === 'US-REG-F');
    expect(us).toMatchObject({
      version: 1,
      jurisdictions: ['US', 'US-*'],
      contactHours: { from: '08:00', to: '21:00' },
      limits: { callsPer7Days: 7, quietDaysAfterConversation: 7 },
      customers: { 'US-NY': 1, US: 1 },
    });
    expect(us.sources.length).toBeGreaterThan(0);
    expect(r.uncovered).toEqual({ FR: 1 });
    // the shipped calendars: 2026 and 2027
    expect(r.calendars.US).toMatchObject({ from: '2026-01-01', to: '2027-12-24' });
  });

  it("replaces a jurisdiction's calendar, audited with what it replaced, read by the contact rules", async () => {
    const before = (await app.inject('/api/holidays/us')).json();
    expect(before.jurisdiction).toBe('US');
    const days = [
      { day: '2026-05-04', kind: 'quiet', name: 'Day of mourning' },
      { day: '2026-05-25', kind: 'holiday', name: 'Memorial Day' },
    ];
    const r = await app.inject({
      method: 'PUT',
      url: '/api/holidays/US',
      headers: compliance,
      payload: { days },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ jurisdiction: 'US', days });
    expect((await app.inject('/api/holidays')).json().calendars.US).toEqual(days);
    // CN untouched
    expect((await app.inject('/api/holidays/CN')).json().days.length).toBeGreaterThan(10);
    const [entry] = await p.audit.entries({ entity: 'holidays', limit: 1 });
    expect(entry).toMatchObject({ actor: 'cora', entityId: 'US' });
    expect(JSON.parse(String(entry!.before))).toEqual(before);
    // the day the dispatcher reads for the contact rules
    const cal = await p.channels.calendar('US');
    expect(cal.map((x) => x.day)).toEqual(['2026-05-04', '2026-05-25']);
  });

  it('names each bad calendar row and writes nothing', async () => {
    const r = await app.inject({
      method: 'PUT',
      url: '/api/holidays/US',
      payload: {
        days: [
          { day: '2026-02-30', kind: 'holiday', name: 'x' },
          { day: '2026-06-01', kind: 'festival', name: '' },
          { day: '2026-06-02', kind: 'quiet', name: 'a' },
          { day: '2026-06-02', kind: 'quiet', name: 'b' },
        ],
      },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().details).toEqual([
      { at: 'body.days[0].day', reason: 'is not a date (YYYY-MM-DD)' },
      { at: 'body.days[1].kind', reason: 'must be holiday or quiet' },
      { at: 'body.days[1].name', reason: 'must be text of 1 to 200 characters' },
      { at: 'body.days[3].day', reason: 'day 2026-06-02 is given twice' },
    ]);
    expect((await p.channels.calendar('US')).length).toBe(2);
    const bad = await app.inject({ method: 'PUT', url: '/api/holidays/u$', payload: { days: [] } });
    expect(bad.json().details[0].at).toBe('params.jurisdiction');
    const refused = await app.inject({
      method: 'PUT',
      url: '/api/holidays/US',
      headers: supervisor,
      payload: { days: [] },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('sets teams with their supervisor and exactly the members given', async () => {
    expect((await app.inject('/api/teams')).json().teams).toEqual([
      { id: 'desk-en', name: 'English desk', supervisor: null, members: ['c1', 'c3'] },
    ]);
    const r = await app.inject({
      method: 'PUT',
      url: '/api/teams',
      payload: {
        teams: [
          { id: 'desk-en', name: 'English desk', supervisor: 'sam', members: ['c1', 'c2'] },
          { id: 'desk-zh', name: 'Chinese desk', members: ['c3'] },
        ],
      },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().teams).toEqual([
      { id: 'desk-en', name: 'English desk', supervisor: 'sam', members: ['c1', 'c2'] },
      { id: 'desk-zh', name: 'Chinese desk', supervisor: null, members: ['c3'] },
    ]);
    const [entry] = await p.audit.entries({ entity: 'teams', limit: 1 });
    expect(JSON.parse(String(entry!.before))).toEqual({
      teams: [{ id: 'desk-en', name: 'English desk', supervisor: null, members: ['c1', 'c3'] }],
    });
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/teams',
      payload: {
        teams: [
          { id: 'desk-en', name: 'English desk', members: ['c1', 'nobody'] },
          { id: 'desk-zh', name: 'Chinese desk', members: ['c1'] },
        ],
      },
    });
    expect(bad.json().details).toEqual([
      { at: 'body.teams[1].members[0]', reason: 'collector c1 is given twice' },
      { at: 'body.teams[0].members[1]', reason: 'no collector nobody' },
    ]);
    expect((await app.inject('/api/teams')).json().teams[1].members).toEqual(['c3']);
    const refused = await app.inject({
      method: 'PUT',
      url: '/api/teams',
      headers: supervisor,
      payload: { teams: [] },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('replaces the field agents by territory; those left out become inactive', async () => {
    const agent = (id: string, territory: string, capacity: number) => ({
      id,
      name: id.toUpperCase(),
      territory,
      capacity,
      base: { lat: 31.23, lon: 121.47 },
    });
    let r = await app.inject({
      method: 'PUT',
      url: '/api/territories',
      payload: {
        agents: [agent('f1', 'shanghai', 6), agent('f2', 'shanghai', 4), agent('f3', 'nyc', 5)],
      },
    });
    expect(r.statusCode).toBe(200);
    r = await app.inject({
      method: 'PUT',
      url: '/api/territories',
      payload: {
        agents: [
          { ...agent('f1', 'shanghai', 6), shiftStart: '08:30', languages: ['zh-CN'] },
          agent('f3', 'nyc', 5),
        ],
      },
    });
    const t = r.json().territories;
    expect(
      t.map((x: { territory: string; capacity: number }) => [x.territory, x.capacity]),
    ).toEqual([
      ['nyc', 5],
      ['shanghai', 6],
    ]);
    expect(t[1].agents).toEqual([
      {
        id: 'f1',
        name: 'F1',
        capacity: 6,
        base: { lat: 31.23, lon: 121.47 },
        radiusKm: 50,
        shiftStart: '08:30',
        shiftEnd: '18:00',
        languages: ['zh-CN'],
        active: true,
      },
      expect.objectContaining({ id: 'f2', active: false }),
    ]);
    // the visits' assignment reads only active agents
    expect((await p.tasks.agents()).map((a) => a.id)).toEqual(['f1', 'f3']);
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/territories',
      payload: { agents: [{ ...agent('f1', 'sh', -1), base: { lat: 95 }, shiftEnd: '07:00' }] },
    });
    expect(bad.json().details).toEqual([
      { at: 'body.agents[0].shiftEnd', reason: 'must be after shiftStart' },
      { at: 'body.agents[0].capacity', reason: 'must be a whole number from 0 to 100' },
      { at: 'body.agents[0].base.lat', reason: 'must be a number from -90 to 90' },
      { at: 'body.agents[0].base.lon', reason: 'must be a number from -180 to 180' },
    ]);
  });
});
