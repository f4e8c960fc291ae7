/** Import files read from a folder: `customers.csv`, `accounts.csv`, ... (any subset). */
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { ParseFailure, type ImportSource, type SourceRow } from '../../app/import/ports.ts';
import { IMPORT_FILES, type ImportFile } from '../../domain/import/rows.ts';

export class CsvFolderSource implements ImportSource {
  constructor(private readonly folder: string) {}

  private path(file: ImportFile): string {
    return join(this.folder, `${file}.csv`);
  }

  async files(): Promise<ImportFile[]> {
    return IMPORT_FILES.filter((f) => existsSync(this.path(f)));
  }

  label(file: ImportFile): string {
    return `${file}.csv`;
  }

  async open(file: ImportFile): Promise<{ header: string[]; rows: AsyncIterable<SourceRow> }> {
    const parser = createReadStream(this.path(file)).pipe(
      parse({ bom: true, skip_empty_lines: true, info: true, relax_column_count: true }),
    );
    const it = parser[Symbol.asyncIterator]() as AsyncIterator<{
      record: string[];
      info: { lines: number };
    }>;
    const fail = (e: unknown): never => {
      const err = e as { lines?: number; message?: string };
      throw new ParseFailure(err.lines ?? 0, `not valid CSV: ${err.message ?? String(e)}`);
    };
    const first = await it.next().catch(fail);
    if (first.done) throw new ParseFailure(1, 'the file is empty: a header line is required');
    const header = first.value.record.map((h) => h.trim());
    async function* rows(): AsyncGenerator<SourceRow> {
      while (true) {
        const n = await it.next().catch(fail);
        if (n.done) return;
        const record: Record<string, string> = {};
        const values = n.value.record;
        for (let i = 0; i < header.length; i++) record[header[i]!] = values[i] ?? '';
        const line = n.value.info.lines;
        yield values.length === header.length
          ? { line, record }
          : {
              line,
              record,
              problem: `has ${values.length} fields; the header has ${header.length}`,
            };
      }
    }
    return { header, rows: rows() };
  }
}
