/** The model registry of scorecards on the engine under test: storage, use cases, HTTP, CLI. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerScoreModelCommands } from '../../src/adapters/cli/score-model-commands.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import { testServer } from '../support/auth.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import {
  activateModel,
  activeModel,
  deactivateModel,
  getModel,
  listModels,
  registerModel,
} from '../../src/app/scoring/registry.ts';
import { ENGINE, openTestPlatform } from '../support/platform.ts';
import { tinyScorecard } from '../support/scorecard.ts';

const scorecard = (name: string, extra: Record<string, unknown> = {}) => ({
  ...tinyScorecard(name),
  ...extra,
});

describe(`model registry (${ENGINE})`, () => {
  let p: Platform;
  let app: FastifyInstance;

  beforeAll(async () => {
    p = await openTestPlatform();
    app = await buildServer(p, testServer);
  });
  afterAll(async () => {
    await app?.close();
    await p?.close();
  });

  it('numbers versions per purpose and keeps the document and its fingerprint', async () => {
    const a1 = await registerModel(
      p.models,
      scorecard('EW one', { data: { fingerprint: 'sha256:abc', rows: 1000 } }),
      { purpose: 'early_warning', by: 'Mia', note: 'first cut' },
    );
    const c1 = await registerModel(p.models, scorecard('Coll one'), {
      purpose: 'collection',
      by: 'Ken',
    });
    const a2 = await registerModel(p.models, scorecard('EW two'), {
      purpose: 'early_warning',
      by: 'Mia',
    });
    expect([a1.version, c1.version, a2.version]).toEqual([1, 1, 2]);
    expect(a1).toMatchObject({
      purpose: 'early_warning',
      name: 'EW one',
      active: false,
      registeredBy: 'Mia',
      note: 'first cut',
      fingerprint: 'sha256:abc',
      activatedBy: null,
      activatedAt: null,
    });
    expect(new Date(a1.registeredAt).toISOString()).toBe(a1.registeredAt);
    expect(c1).toMatchObject({ fingerprint: 'sha256:test', note: null });
    const got = await getModel(p.models, 'early_warning', 1);
    expect(got.document).toEqual(
      scorecard('EW one', { data: { fingerprint: 'sha256:abc', rows: 1000 } }),
    );
    await expect(getModel(p.models, 'early_warning', 9)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('lists summaries without documents, of one purpose or all', async () => {
    const ew = await listModels(p.models, 'early_warning');
    expect(ew.map((m) => m.version)).toEqual([1, 2]);
    for (const m of ew) expect(m).not.toHaveProperty('document');
    const all = await listModels(p.models);
    expect(all.map((m) => `${m.purpose} v${m.version}`)).toEqual([
      'collection v1',
      'early_warning v1',
      'early_warning v2',
    ]);
  });

  it('gives concurrent registrations distinct consecutive versions', async () => {
    const ms = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        registerModel(p.models, scorecard(`race ${i}`), { purpose: 'race', by: 'Mia' }),
      ),
    );
    expect(ms.map((m) => m.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await listModels(p.models, 'race')).map((m) => m.version)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });

  it('keeps one active model per purpose and switches it in one step', async () => {
    expect(await activeModel(p.models, 'early_warning')).toBeNull();
    const v1 = await activateModel(p.models, 'early_warning', 1, 'Ann');
    expect(v1).toMatchObject({ version: 1, active: true, activatedBy: 'Ann' });
    expect(v1.activatedAt).not.toBeNull();
    await activateModel(p.models, 'collection', 1, 'Ann');

    const v2 = await activateModel(p.models, 'early_warning', 2, 'Bob');
    expect(v2).toMatchObject({ version: 2, active: true, activatedBy: 'Bob' });
    expect(await activeModel(p.models, 'early_warning')).toMatchObject({ version: 2 });
    expect(await getModel(p.models, 'early_warning', 1)).toMatchObject({
      active: false,
      activatedBy: 'Ann',
      deactivatedBy: 'Bob',
    });
    // Another purpose is not touched.
    expect(await activeModel(p.models, 'collection')).toMatchObject({ version: 1 });
    // Activating the active one again changes nothing.
    expect(await activateModel(p.models, 'early_warning', 2, 'Cy')).toMatchObject({
      activatedBy: 'Bob',
    });
    await expect(activateModel(p.models, 'early_warning', 7, 'Bob')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await activeModel(p.models, 'early_warning')).toMatchObject({ version: 2 });

    // Concurrent activations of different versions: always exactly one active at the end.
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => activateModel(p.models, 'race', v, 'Mia')),
    );
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect((await listModels(p.models, 'race')).filter((m) => m.active)).toHaveLength(1);

    const off = await deactivateModel(p.models, 'early_warning', 'Dee');
    expect(off).toMatchObject({ version: 2, active: false, deactivatedBy: 'Dee' });
    expect(await activeModel(p.models, 'early_warning')).toBeNull();
    expect(await deactivateModel(p.models, 'early_warning', 'Dee')).toBeNull();
  });

  it('refuses a second active row at the database level', async () => {
    await expect(
      p.db.query(
        `UPDATE score_models SET active = true, activated_by = 'x', activated_at = now()
         WHERE purpose = 'collection' OR (purpose = 'race' AND version <= 2)`,
      ),
    ).rejects.toThrow(/score_models_active_idx/);
  });

  it('registers and activates in one step, deactivating the one before', async () => {
    const m = await registerModel(p.models, scorecard('Coll two'), {
      purpose: 'collection',
      by: 'Ken',
      activate: true,
    });
    expect(m).toMatchObject({ version: 2, active: true, activatedBy: 'Ken' });
    expect(await getModel(p.models, 'collection', 1)).toMatchObject({ active: false });
  });

  it('names the field that is wrong', async () => {
    const fails = (doc: unknown, input = { purpose: 'collection', by: 'Mia' }) =>
      registerModel(p.models, doc, input).then(
        () => {
          throw new Error('registered');
        },
        (e: { code: string; details: { at: string }[] }) => {
          expect(e.code).toBe('VALIDATION');
          return e.details.map((d) => d.at);
        },
      );
    expect(await fails([1, 2])).toEqual(['document']);
    expect(await fails(null)).toEqual(['document']);
    expect(await fails({ ...scorecard('x'), format: 'pmml' })).toEqual(['format']);
    expect(await fails({ ...scorecard('x'), formatVersion: '1' })).toEqual(['formatVersion']);
    expect(await fails({ ...scorecard('x'), formatVersion: 2 })).toEqual(['formatVersion']);
    expect(await fails({ ...scorecard('x'), name: 7 })).toEqual(['name']);
    expect(await fails({ ...scorecard('x'), characteristics: {} })).toEqual(['characteristics']);
    expect(await fails(scorecard('x', { data: { fingerprint: 5 } }))).toEqual(['data.fingerprint']);
    expect(await fails({})).toEqual(['format']);
    expect(await fails({ ...scorecard('x'), intercept: 'x' })).toEqual(['intercept']);
    expect(await fails(scorecard('x'), { purpose: 'Early-Warning', by: 'Mia' })).toEqual([
      'purpose',
    ]);
    expect(await fails(scorecard('x'), { purpose: 'a'.repeat(41), by: 'Mia' })).toEqual([
      'purpose',
    ]);
    expect(await fails(scorecard('x'), { purpose: 'collection', by: ' ' })).toEqual(['by']);
    await expect(listModels(p.models, '9lives')).rejects.toMatchObject({
      code: 'VALIDATION',
      details: [{ at: 'purpose' }],
    });
    await expect(activateModel(p.models, 'collection', 1, '')).rejects.toMatchObject({
      code: 'VALIDATION',
      details: [{ at: 'by' }],
    });
    // Nothing was stored by the refusals.
    expect((await listModels(p.models, 'collection')).map((m) => m.version)).toEqual([1, 2]);
  });

  describe('over HTTP', () => {
    it('registers, lists, reads and activates', async () => {
      const post = await app.inject({
        method: 'POST',
        url: '/api/scoring/models',
        payload: {
          purpose: 'http_test',
          document: scorecard('H1', { data: { fingerprint: 'f1' } }),
          note: 'via api',
          by: 'Ann',
        },
      });
      expect(post.statusCode).toBe(201);
      expect(post.json()).toMatchObject({ purpose: 'http_test', version: 1, fingerprint: 'f1' });
      expect(post.json()).not.toHaveProperty('document');
      await app.inject({
        method: 'POST',
        url: '/api/scoring/models',
        payload: { purpose: 'http_test', document: scorecard('H2'), activate: true, by: 'Ann' },
      });

      const list = await app.inject('/api/scoring/models?purpose=http_test');
      expect(list.statusCode).toBe(200);
      expect(list.json()).toMatchObject([
        { version: 1, name: 'H1', active: false, note: 'via api' },
        { version: 2, name: 'H2', active: true, note: null },
      ]);
      for (const m of list.json()) expect(m).not.toHaveProperty('document');
      expect((await app.inject('/api/scoring/models')).json().length).toBeGreaterThan(2);

      const one = await app.inject('/api/scoring/models/http_test/1');
      expect(one.statusCode).toBe(200);
      expect(one.json().document).toEqual(scorecard('H1', { data: { fingerprint: 'f1' } }));

      const active = await app.inject('/api/scoring/models/http_test/active');
      expect(active.json()).toMatchObject({ version: 2, document: { name: 'H2' } });

      const act = await app.inject({
        method: 'POST',
        url: '/api/scoring/models/http_test/1/activate',
        payload: { by: 'Bob' },
      });
      expect(act.statusCode).toBe(200);
      expect(act.json()).toMatchObject({ version: 1, active: true, activatedBy: 'Bob' });
      expect((await app.inject('/api/scoring/models/http_test/active')).json().version).toBe(1);
    });

    it('answers 404 and 400 through the error mapping', async () => {
      expect((await app.inject('/api/scoring/models/http_test/9')).statusCode).toBe(404);
      const none = await app.inject('/api/scoring/models/nobody/active');
      expect(none.statusCode).toBe(404);
      expect(none.json().code).toBe('NOT_FOUND');
      const act = await app.inject({
        method: 'POST',
        url: '/api/scoring/models/http_test/9/activate',
        payload: { by: 'Bob' },
      });
      expect(act.statusCode).toBe(404);

      const bad = await app.inject({
        method: 'POST',
        url: '/api/scoring/models',
        payload: { purpose: 'http_test', document: { format: 'x' }, by: 'Ann' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().code).toBe('VALIDATION');
      expect(bad.json().details.map((d: { at: string }) => d.at)).toEqual(['format']);

      const noBy = await app.inject({
        method: 'POST',
        url: '/api/scoring/models',
        payload: { purpose: 'Bad Purpose', document: scorecard('x') },
      });
      expect(noBy.statusCode).toBe(400);
      expect(
        noBy
          .json()
          .details.map((d: { at: string }) => d.at)
          .sort(),
      ).toEqual(['body.by', 'body.purpose']);
      expect((await app.inject('/api/scoring/models?purpose=Nope')).statusCode).toBe(400);
      expect((await app.inject('/api/scoring/models/http_test/0')).statusCode).toBe(400);
    });

    it('documents the routes in the OpenAPI document', async () => {
      const paths = Object.keys((await app.inject('/docs/json')).json().paths);
      expect(paths).toEqual(
        expect.arrayContaining([
          '/api/scoring/models',
          '/api/scoring/models/{purpose}/active',
          '/api/scoring/models/{purpose}/{version}',
          '/api/scoring/models/{purpose}/{version}/activate',
        ]),
      );
    });
  });

  describe('from the command line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recoup-models-'));

    async function score(...argv: string[]): Promise<string> {
      const cmd = new Command('score').exitOverride().configureOutput({ writeErr: () => {} });
      registerScoreModelCommands(cmd, (fn) => fn(p));
      const lines: string[] = [];
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
        lines.push(String(s));
        return true;
      });
      try {
        await cmd.parseAsync(argv, { from: 'user' });
      } finally {
        spy.mockRestore();
      }
      return lines.join('');
    }

    it('registers, activates and lists', async () => {
      const file = join(dir, 'ew.json');
      writeFileSync(file, JSON.stringify(scorecard('CLI card')));
      expect(await score('register', '--model', file, '--purpose', 'cli_test', '--by', 'Mia')).toBe(
        'cli_test v1: CLI card registered\n',
      );
      expect(
        await score(
          'register',
          '--model',
          file,
          '--purpose',
          'cli_test',
          '--by',
          'Mia',
          '--note',
          'retrained',
          '--activate',
        ),
      ).toBe('cli_test v2: CLI card registered, active\n');
      expect(
        await score('activate', '--purpose', 'cli_test', '--version', '1', '--by', 'Ann'),
      ).toBe('cli_test v1: CLI card active\n');

      const table = (await score('models', '--purpose', 'cli_test')).trimEnd().split('\n');
      expect(table).toHaveLength(3);
      expect(table[0]).toMatch(
        /^PURPOSE +VERSION +NAME +ACTIVE +REGISTERED BY +REGISTERED AT +NOTE$/,
      );
      expect(table[1]).toMatch(/^cli_test +v1 +CLI card +yes +Mia +\d{4}-\d\d-\d\d \d\d:\d\dZ$/);
      expect(table[2]).toMatch(/^cli_test +v2 +CLI card +Mia +\S+ \S+ +retrained$/);

      const json = JSON.parse(await score('models', '--purpose', 'cli_test', '--json')) as {
        version: number;
        active: boolean;
      }[];
      expect(json.map((m) => [m.version, m.active])).toEqual([
        [1, true],
        [2, false],
      ]);
      expect(json[0]).not.toHaveProperty('document');
    });

    it('refuses a file that is not JSON or not a scorecard, and a missing --by', async () => {
      const notJson = join(dir, 'bad.json');
      writeFileSync(notJson, '{ nope');
      await expect(
        score('register', '--model', notJson, '--purpose', 'cli_test', '--by', 'Mia'),
      ).rejects.toMatchObject({ code: 'VALIDATION', details: [{ at: 'model' }] });
      const notCard = join(dir, 'card.json');
      writeFileSync(notCard, JSON.stringify({ format: 'recoup-scorecard' }));
      await expect(
        score('register', '--model', notCard, '--purpose', 'cli_test', '--by', 'Mia'),
      ).rejects.toMatchObject({ code: 'VALIDATION' });
      await expect(
        score('activate', '--purpose', 'cli_test', '--version', '1'),
      ).rejects.toMatchObject({ code: 'commander.missingMandatoryOptionValue' });
      await expect(
        score('activate', '--purpose', 'cli_test', '--version', 'x', '--by', 'Ann'),
      ).rejects.toMatchObject({ code: 'commander.invalidArgument' });
    });
  });
});
