import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField, csvLine, runGenerate } from '../../src/adapters/cli/generate.ts';
import { PORTFOLIO_COLUMNS, PORTFOLIO_FILES } from '../../src/domain/portfolio/generator.ts';

const OPTIONS = { accounts: 500, seed: 'integration', asOf: '2026-03-15' };

describe('runGenerate', () => {
  let root: string;
  let first: Awaited<ReturnType<typeof runGenerate>>;
  const progress: number[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'recoup-generate-'));
    first = await runGenerate({
      ...OPTIONS,
      out: join(root, 'a', 'nested'),
      onProgress: (n) => progress.push(n),
    });
    await runGenerate({ ...OPTIONS, out: join(root, 'b') });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates the folder and writes the five files', async () => {
    const names = (await readdir(join(root, 'a', 'nested'))).sort();
    expect(names).toEqual(PORTFOLIO_FILES.map((f) => `${f}.csv`).sort());
  });

  it('writes byte-identical files for the same seed, as-of and size', async () => {
    for (const f of PORTFOLIO_FILES) {
      const a = await readFile(join(root, 'a', 'nested', `${f}.csv`));
      const b = await readFile(join(root, 'b', `${f}.csv`));
      expect(a.equals(b), `${f}.csv`).toBe(true);
    }
  });

  it('starts each file with its header and ends every line with LF', async () => {
    for (const f of PORTFOLIO_FILES) {
      const text = await readFile(join(root, 'b', `${f}.csv`), 'utf8');
      expect(text.charCodeAt(0)).not.toBe(0xfeff);
      expect(text.slice(0, text.indexOf('\n'))).toBe(PORTFOLIO_COLUMNS[f].join(','));
      expect(text.endsWith('\n')).toBe(true);
      expect(text.includes('\r')).toBe(false);
    }
  });

  it('writes valid CSV whose row counts match the result', async () => {
    expect(first.files.accounts).toBe(500);
    for (const f of PORTFOLIO_FILES) {
      const text = await readFile(join(root, 'b', `${f}.csv`), 'utf8');
      const records = parse(text, { columns: true }) as Record<string, string>[];
      expect(records).toHaveLength(first.files[f]);
    }
    const customers = parse(await readFile(join(root, 'b', 'customers.csv'), 'utf8'), {
      columns: true,
    }) as Record<string, string>[];
    // Addresses with commas come back whole after quoting.
    expect(customers.some((c) => c.address!.includes(','))).toBe(true);
    expect(customers.some((c) => /\p{Script=Han}/u.test(c.name!))).toBe(true);
  });

  it('reports progress, ending with the number of accounts', () => {
    expect(progress.at(-1)).toBe(500);
  });

  it('rejects bad options before writing anything', async () => {
    await expect(runGenerate({ ...OPTIONS, out: join(root, 'c'), accounts: -1 })).rejects.toThrow(
      RangeError,
    );
    await expect(
      runGenerate({ ...OPTIONS, out: join(root, 'c'), asOf: '2026-13-01' }),
    ).rejects.toThrow(RangeError);
    await expect(readdir(join(root, 'c'))).rejects.toThrow();
  });
});

describe('CSV quoting (RFC 4180)', () => {
  it('leaves plain fields alone', () => {
    expect(csvField('A00000001')).toBe('A00000001');
    expect(csvField('')).toBe('');
    expect(csvField('王伟')).toBe('王伟');
  });

  it('quotes commas, quotes, CR and LF, doubling inner quotes', () => {
    expect(csvField('1 Main St, Boston')).toBe('"1 Main St, Boston"');
    expect(csvField('"Rose Cottage", Mill Lane')).toBe('"""Rose Cottage"", Mill Lane"');
    expect(csvField('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvField('a\rb')).toBe('"a\rb"');
  });

  it('joins a record with commas and ends it with LF', () => {
    expect(csvLine(['a', 'b,c', ''])).toBe('a,"b,c",\n');
  });
});
