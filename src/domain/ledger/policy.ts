/**
 * Per-product ledger policy: the payment waterfall, arrears tolerance, grace days and the
 * delinquency buckets. Configuration is data; `validatePolicy` says what is wrong with it.
 */
import { COMPONENTS, PRODUCTS, type Component, type Product } from './types.ts';

/** A range of days, both ends included; `max` null means "and over". */
export interface BucketRange {
  name: string;
  min: number;
  max: number | null;
}

export interface ProductPolicy {
  /** Order in which a payment settles the parts of one instalment. */
  waterfall: readonly Component[];
  /** An instalment whose unpaid amount is at or below this (minor units) does not count as overdue. */
  arrearsTolerance: number;
  graceDays: number;
  buckets: readonly BucketRange[];
}

export type LedgerPolicy = Readonly<Record<Product, ProductPolicy>>;

export const DEFAULT_BUCKETS: readonly BucketRange[] = Object.freeze([
  { name: 'current', min: 0, max: 0 },
  { name: 'M1', min: 1, max: 30 },
  { name: 'M2', min: 31, max: 60 },
  { name: 'M3', min: 61, max: 90 },
  { name: 'M4', min: 91, max: 120 },
  { name: 'M5', min: 121, max: 150 },
  { name: 'M6', min: 151, max: 180 },
  { name: 'M7+', min: 181, max: null },
]);

export const DEFAULT_PRODUCT_POLICY: ProductPolicy = Object.freeze({
  waterfall: COMPONENTS,
  arrearsTolerance: 0,
  graceDays: 0,
  buckets: DEFAULT_BUCKETS,
});

export const DEFAULT_LEDGER_POLICY: LedgerPolicy = Object.freeze(
  Object.fromEntries(PRODUCTS.map((p) => [p, DEFAULT_PRODUCT_POLICY])) as Record<
    Product,
    ProductPolicy
  >,
);

/** The bucket whose range holds `days`. Throws on a policy that `validatePolicy` would reject. */
export function bucketFor(days: number, buckets: readonly BucketRange[]): string {
  for (const b of buckets) {
    if (days >= b.min && (b.max === null || days <= b.max)) return b.name;
  }
  throw new RangeError(`no bucket holds ${days} days`);
}

/** Problems with a product's policy, each naming the field; empty when it is valid. */
export function validateProductPolicy(p: ProductPolicy, path = ''): string[] {
  const errors: string[] = [];
  const at = (f: string) => (path ? `${path}.${f}` : f);
  const w = [...p.waterfall];
  if (w.length !== COMPONENTS.length || COMPONENTS.some((c) => !w.includes(c))) {
    errors.push(`${at('waterfall')}: must list each of ${COMPONENTS.join(', ')} once`);
  }
  if (!Number.isSafeInteger(p.arrearsTolerance) || p.arrearsTolerance < 0) {
    errors.push(`${at('arrearsTolerance')}: must be a non-negative integer of minor units`);
  }
  if (!Number.isSafeInteger(p.graceDays) || p.graceDays < 0) {
    errors.push(`${at('graceDays')}: must be a non-negative integer`);
  }
  if (p.buckets.length === 0) errors.push(`${at('buckets')}: at least one range is needed`);
  const names = new Set<string>();
  let expected = 0;
  p.buckets.forEach((b, i) => {
    const bp = at(`buckets[${i}]`);
    if (!b.name) errors.push(`${bp}.name: must not be empty`);
    if (names.has(b.name)) errors.push(`${bp}.name: duplicate bucket "${b.name}"`);
    names.add(b.name);
    if (expected === -1) {
      errors.push(`${bp}: follows an open-ended range`);
      return;
    }
    if (b.min !== expected) {
      errors.push(`${bp}.min: must be ${expected} so that ranges are contiguous from 0`);
    }
    if (b.max !== null && (!Number.isSafeInteger(b.max) || b.max < b.min)) {
      errors.push(`${bp}.max: must be an integer at or above min`);
    }
    expected = b.max === null ? -1 : b.max + 1;
  });
  if (p.buckets.length > 0 && expected !== -1) {
    errors.push(`${at('buckets')}: the last range must be open-ended (max null)`);
  }
  return errors;
}

export function validatePolicy(policy: LedgerPolicy): string[] {
  return PRODUCTS.flatMap((p) =>
    policy[p] ? validateProductPolicy(policy[p], p) : [`${p}: policy missing`],
  );
}
