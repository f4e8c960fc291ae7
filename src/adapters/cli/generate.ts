/**
 * `recoup generate --accounts N --seed S --out <folder> [--as-of D]`: writes the demo portfolio
 * (see docs/demo-portfolio.md) as the five import CSV files.
 *
 * The rows come lazily from the pure generator and go through one buffered write stream per
 * file, waiting for 'drain' whenever a stream's buffer is full, so memory stays flat however
 * many accounts are asked for. Output: a header line, RFC 4180 quoting, LF line ends, UTF-8
 * without a byte-order mark. Same seed, as-of and N give byte-identical files.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { InvalidArgumentError, type Command } from 'commander';
import {
  generatePortfolio,
  PORTFOLIO_COLUMNS,
  PORTFOLIO_FILES,
  type PortfolioFile,
} from '../../domain/portfolio/generator.ts';
import type { Seed } from '../../domain/portfolio/random.ts';
import { isLocalDate, type LocalDate } from '../../domain/time/date.ts';

export interface GenerateRunOptions {
  accounts: number;
  seed: Seed;
  asOf: LocalDate;
  /** Output folder; created if missing. Existing files of the same names are replaced. */
  out: string;
  /** Called every {@link PROGRESS_EVERY} accounts and with the total at the end. */
  onProgress?: (accountsDone: number) => void;
}

export interface GenerateResult {
  /** Data rows written per file (the header line not counted). */
  files: Record<PortfolioFile, number>;
}

export const PROGRESS_EVERY = 10_000;

/** Characters gathered per file before they are handed to the stream. */
const CHUNK_CHARS = 1 << 13;
/** The stream's own buffer; `write` asks us to wait for 'drain' beyond it. */
const STREAM_HIGH_WATER_MARK = 1 << 20;

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV record with its LF line end. */
export function csvLine(values: readonly string[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ',';
    line += csvField(values[i] as string);
  }
  return line + '\n';
}

/** A file written in large chunks with backpressure: `add` returns a promise only when full. */
class CsvFileWriter {
  private readonly stream: WriteStream;
  private chunk = '';
  private error: Error | null = null;

  constructor(path: string) {
    this.stream = createWriteStream(path, {
      encoding: 'utf8',
      highWaterMark: STREAM_HIGH_WATER_MARK,
    });
    // Remember errors raised while nobody waits on the stream; they surface on the next call.
    this.stream.on('error', (e) => {
      this.error ??= e;
    });
  }

  /** Queues a line; when the stream's buffer is full, returns a promise to await before more. */
  add(line: string): Promise<void> | null {
    this.chunk += line;
    return this.chunk.length >= CHUNK_CHARS ? this.flush() : null;
  }

  private flush(): Promise<void> | null {
    if (this.error) throw this.error;
    const ok = this.stream.write(this.chunk);
    this.chunk = '';
    return ok ? null : this.drained();
  }

  private async drained(): Promise<void> {
    // `once` rejects if the stream emits 'error' while we wait.
    await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.chunk.length > 0) await this.flush();
    if (this.error) throw this.error;
    this.stream.end();
    await finished(this.stream);
  }

  destroy(): void {
    this.stream.destroy();
  }
}

function validateRun(opts: GenerateRunOptions): void {
  if (!Number.isSafeInteger(opts.accounts) || opts.accounts < 0) {
    throw new RangeError(`--accounts must be a whole number >= 0, got ${opts.accounts}`);
  }
  if (!isLocalDate(opts.asOf)) throw new RangeError(`--as-of must be YYYY-MM-DD, got ${opts.asOf}`);
  if (opts.out.trim() === '') throw new RangeError('--out must name a folder');
}

/** Generates the demo portfolio into `opts.out` and returns the rows written per file. */
export async function runGenerate(opts: GenerateRunOptions): Promise<GenerateResult> {
  validateRun(opts);
  await mkdir(opts.out, { recursive: true });
  const writers = Object.fromEntries(
    PORTFOLIO_FILES.map((f) => [f, new CsvFileWriter(join(opts.out, `${f}.csv`))]),
  ) as Record<PortfolioFile, CsvFileWriter>;
  const files = Object.fromEntries(PORTFOLIO_FILES.map((f) => [f, 0])) as Record<
    PortfolioFile,
    number
  >;
  try {
    for (const f of PORTFOLIO_FILES) await writers[f].add(csvLine(PORTFOLIO_COLUMNS[f]));
    const rows = generatePortfolio({ accounts: opts.accounts, seed: opts.seed, asOf: opts.asOf });
    for (const row of rows) {
      const wait = writers[row.file].add(csvLine(row.values));
      if (wait) await wait;
      const count = ++files[row.file];
      if (row.file === 'accounts' && count % PROGRESS_EVERY === 0) opts.onProgress?.(count);
    }
    for (const f of PORTFOLIO_FILES) await writers[f].close();
  } catch (e) {
    for (const f of PORTFOLIO_FILES) writers[f].destroy();
    throw e;
  }
  if (files.accounts % PROGRESS_EVERY !== 0 || files.accounts === 0) {
    opts.onProgress?.(files.accounts);
  }
  return { files };
}

/** Today's date in UTC: the default as-of (pass --as-of for reproducible files). */
export function todayUtc(now: Date = new Date()): LocalDate {
  return now.toISOString().slice(0, 10);
}

function parseAccounts(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('expected a whole number of accounts.');
  }
  return n;
}

function parseAsOf(text: string): LocalDate {
  if (!isLocalDate(text)) throw new InvalidArgumentError('expected a date as YYYY-MM-DD.');
  return text;
}

/** Adds the `generate` command to the CLI program; progress goes to stderr, totals to stdout. */
export function registerGenerateCommand(program: Command): Command {
  return program
    .command('generate')
    .description('write a synthetic demo portfolio as import CSV files')
    .requiredOption('--accounts <n>', 'number of accounts', parseAccounts)
    .requiredOption('--out <folder>', 'folder to write customers.csv, accounts.csv, ... into')
    .option('--seed <seed>', 'random seed (any text); the same seed gives the same files', '1')
    .option('--as-of <date>', 'the portfolio date (YYYY-MM-DD); default today (UTC)', parseAsOf)
    .action(async (o: { accounts: number; out: string; seed: string; asOf?: LocalDate }) => {
      const started = performance.now();
      const asOf = o.asOf ?? todayUtc();
      const { files } = await runGenerate({
        accounts: o.accounts,
        seed: o.seed,
        asOf,
        out: o.out,
        onProgress: (done) => process.stderr.write(`\r${done} / ${o.accounts} accounts`),
      });
      process.stderr.write('\n');
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const summary = PORTFOLIO_FILES.map((f) => `${f}.csv: ${files[f]} rows`).join('\n');
      process.stdout.write(`${summary}\nas of ${asOf}, seed ${o.seed}, ${seconds} s → ${o.out}\n`);
    });
}
