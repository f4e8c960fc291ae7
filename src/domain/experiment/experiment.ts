/**
 * Champion/challenger pilots. An experiment names a champion strategy version and one or more
 * challengers with their shares of a population (a CEL condition over the same facts as
 * strategies). Each account in the population is assigned an arm by a hash of the experiment
 * id and the account id: deterministic, independent of the order accounts are seen in, and
 * recorded on first sight, so it is stable for the account's life in the experiment.
 */
import { ID_PATTERN } from '../strategy/document.ts';
import { celEnvironment, type CelContext } from '../strategy/facts.ts';

export interface ArmDoc {
  /** `champion` or a challenger's name. */
  name: string;
  strategyId: string;
  version: number;
  /** Percentage of the population, 0-100 with up to two decimals. */
  share: number;
}

export interface ExperimentDoc {
  id: string;
  name: string;
  /** CEL condition: which accounts take part. */
  population: string;
  arms: ArmDoc[];
}

export interface ExperimentError {
  path: string;
  reason: string;
}

const ID_RE = new RegExp(ID_PATTERN);
const env = celEnvironment();

/** Checks an experiment; shares must add up to 100 and the first arm is the champion. */
export function validateExperiment(doc: ExperimentDoc): ExperimentError[] {
  const errors: ExperimentError[] = [];
  if (!ID_RE.test(doc.id ?? ''))
    errors.push({ path: 'id', reason: 'must be lower-case letters, digits, _ or -' });
  if (!doc.name?.trim()) errors.push({ path: 'name', reason: 'is required' });
  const check = env.check(doc.population ?? '');
  if (!check.valid) {
    errors.push({
      path: 'population',
      reason: String(check.error?.message ?? 'is not valid').split('\n')[0]!,
    });
  } else if (check.type !== 'bool') {
    errors.push({ path: 'population', reason: `must be true or false, not ${check.type}` });
  }
  if (!Array.isArray(doc.arms) || doc.arms.length < 2) {
    errors.push({ path: 'arms', reason: 'needs a champion and at least one challenger' });
    return errors;
  }
  const names = new Set<string>();
  doc.arms.forEach((a, i) => {
    if (!ID_RE.test(a.name ?? ''))
      errors.push({
        path: `arms[${i}].name`,
        reason: 'must be lower-case letters, digits, _ or -',
      });
    if (names.has(a.name))
      errors.push({ path: `arms[${i}].name`, reason: `duplicate arm "${a.name}"` });
    names.add(a.name);
    if (!(a.share > 0 && a.share < 100) || Math.round(a.share * 100) !== a.share * 100) {
      errors.push({
        path: `arms[${i}].share`,
        reason: 'must be a percentage above 0 and below 100, at most two decimals',
      });
    }
    if (!Number.isInteger(a.version) || a.version < 1)
      errors.push({ path: `arms[${i}].version`, reason: 'must be a version number' });
  });
  if (doc.arms[0]?.name !== 'champion')
    errors.push({ path: 'arms[0].name', reason: 'the first arm must be "champion"' });
  const total = doc.arms.reduce((n, a) => n + Math.round((a.share ?? 0) * 100), 0);
  if (total !== 10_000)
    errors.push({ path: 'arms', reason: `shares add up to ${total / 100}, not 100` });
  return errors;
}

/** 32-bit FNV-1a, then a murmur3 finaliser for an even spread of the low bits. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The arm an account falls in: its hash placed on the cumulative shares (basis points). */
export function armFor<A extends { name: string; share: number }>(
  experimentId: string,
  accountId: string,
  arms: readonly A[],
): A {
  const point = hash32(`${experimentId}:${accountId}`) % 10_000;
  let edge = 0;
  for (const arm of arms) {
    edge += Math.round(arm.share * 100);
    if (point < edge) return arm;
  }
  return arms[arms.length - 1]!;
}

export type Population = (context: CelContext) => boolean;

export function compilePopulation(text: string): Population {
  const fn = env.parse(text);
  return (context) => fn(context) === true;
}
