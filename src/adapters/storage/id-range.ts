/**
 * A range of account ids, (after, upTo]: the accounts one partition of the daily cycle works
 * on. The last partition has no upper bound, so accounts added after the day was prepared are
 * still in one.
 */
export interface IdRange {
  after: number;
  upTo: number | null;
}

const id = (n: number) => {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not an account id: ${n}`);
  return String(n);
};

/** `column` within `range` as SQL (`true` without a range). */
export function inRange(column: string, range: IdRange | undefined): string {
  if (!range) return 'true';
  const lower = `${column} > ${id(range.after)}`;
  return range.upTo === null ? lower : `${lower} AND ${column} <= ${id(range.upTo)}`;
}
