/**
 * The customer classification standard: tiers (A best … E worst, or any names) assigned from
 * the account's state and the score of the purpose that applies to it. Each tier carries a label and an explanation
 * in English and Simplified Chinese, so that strategies, queues and reports share one reading.
 *
 * The purpose that applies: `early_warning` while the account is not past due, `collection`
 * once it is (configurable). `tiers` lists the tiers best first; `rules` are tried in order
 * and the first that matches gives its `tier`. Probabilities mean different things per purpose, so rules on them name
 * the purpose. A rule's conditions all have to hold:
 * - `purpose: early_warning` the purpose that applies to the account is this one;
 * - `bucket: [M3, M4]` the account's bucket is one of these;
 * - `onHold: true|false`;
 * - `pastDueDaysAtLeast: N`;
 * - `scored: false` there is no score for the purpose (no active model yet);
 * - `probabilityBelow: p` / `probabilityAtLeast: p` the probability of the purpose's event
 *   (the bad outcome) is below / at least p.
 * The last rule has no conditions: it is the default, so that every account gets a tier.
 */

export const TIER_CONDITIONS = [
  'purpose',
  'bucket',
  'onHold',
  'pastDueDaysAtLeast',
  'scored',
  'probabilityBelow',
  'probabilityAtLeast',
] as const;

export interface TierRule {
  tier: string;
  purpose?: string;
  bucket?: string[];
  onHold?: boolean;
  pastDueDaysAtLeast?: number;
  scored?: boolean;
  probabilityBelow?: number;
  probabilityAtLeast?: number;
}

export interface Tier {
  name: string;
  label: { en: string; 'zh-CN': string };
  explanation: { en: string; 'zh-CN': string };
}

export interface Classification {
  /** The purpose scored for accounts not past due, and for those past due. */
  purposes: { current: string; pastDue: string };
  /** Best first. */
  tiers: Tier[];
  /** Tried in order; the first that matches gives the tier. */
  rules: TierRule[];
}

/** What a rule looks at, per account. */
export interface ClassificationInput {
  /** The purpose that applies (see purposeFor). */
  purpose: string;
  bucket: string;
  onHold: boolean;
  pastDueDays: number;
  /** The probability of the applying purpose's event; null when not scored. */
  probability: number | null;
}

export class ClassificationError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'ClassificationError';
  }
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  !!x && typeof x === 'object' && !Array.isArray(x);

function text2(x: unknown, path: string): { en: string; 'zh-CN': string } {
  if (!isObject(x)) throw new ClassificationError(path, 'needs en and zh-CN texts');
  for (const k of ['en', 'zh-CN'])
    if (typeof x[k] !== 'string' || !(x[k] as string).trim())
      throw new ClassificationError(`${path}.${k}`, 'is a non-empty text');
  return { en: x.en as string, 'zh-CN': x['zh-CN'] as string };
}

function probability(x: unknown, path: string): number {
  if (typeof x !== 'number' || !(x >= 0 && x <= 1))
    throw new ClassificationError(path, 'is a probability from 0 to 1');
  return x;
}

function parseRule(r: unknown, rp: string, names: Set<string>): TierRule {
  if (!isObject(r)) throw new ClassificationError(rp, 'is an object');
  if (typeof r.tier !== 'string' || !names.has(r.tier))
    throw new ClassificationError(
      `${rp}.tier`,
      `names one of the tiers (${[...names].join(', ')})`,
    );
  const rule: TierRule = { tier: r.tier };
  for (const [k, v] of Object.entries(r)) {
    switch (k) {
      case 'tier':
        break;
      case 'purpose':
        if (typeof v !== 'string' || !v)
          throw new ClassificationError(`${rp}.purpose`, 'names a purpose');
        rule.purpose = v;
        break;
      case 'bucket':
        if (!Array.isArray(v) || v.length === 0 || v.some((b) => typeof b !== 'string'))
          throw new ClassificationError(`${rp}.bucket`, 'is a list of bucket names');
        rule.bucket = v as string[];
        break;
      case 'onHold':
      case 'scored':
        if (typeof v !== 'boolean') throw new ClassificationError(`${rp}.${k}`, 'is true or false');
        rule[k] = v;
        break;
      case 'pastDueDaysAtLeast':
        if (!Number.isInteger(v) || (v as number) < 0)
          throw new ClassificationError(`${rp}.${k}`, 'is a whole number of days');
        rule.pastDueDaysAtLeast = v as number;
        break;
      case 'probabilityBelow':
      case 'probabilityAtLeast':
        rule[k] = probability(v, `${rp}.${k}`);
        break;
      default:
        throw new ClassificationError(
          `${rp}.${k}`,
          `is not a condition (${TIER_CONDITIONS.join(', ')})`,
        );
    }
  }
  if (
    rule.scored === false &&
    (rule.probabilityBelow !== undefined || rule.probabilityAtLeast !== undefined)
  )
    throw new ClassificationError(rp, 'cannot ask for a probability of an account not scored');
  return rule;
}

/** Checks a classification document (parsed YAML/JSON); errors name the field. */
export function parseClassification(doc: unknown): Classification {
  if (!isObject(doc)) throw new ClassificationError('classification', 'is an object');
  for (const k of Object.keys(doc))
    if (!['purposes', 'tiers', 'rules'].includes(k))
      throw new ClassificationError(
        k,
        'is not a field of a classification (purposes, tiers, rules)',
      );
  const purposes = doc.purposes ?? { current: 'early_warning', pastDue: 'collection' };
  if (
    !isObject(purposes) ||
    typeof purposes.current !== 'string' ||
    typeof purposes.pastDue !== 'string'
  )
    throw new ClassificationError(
      'purposes',
      'names the purpose for current and for pastDue accounts',
    );
  if (!Array.isArray(doc.tiers) || doc.tiers.length === 0)
    throw new ClassificationError('tiers', 'is a non-empty list');
  const names = new Set<string>();
  const tiers = doc.tiers.map((t: unknown, i): Tier => {
    const path = `tiers[${i}]`;
    if (!isObject(t)) throw new ClassificationError(path, 'is an object');
    for (const k of Object.keys(t))
      if (!['name', 'label', 'explanation'].includes(k))
        throw new ClassificationError(
          `${path}.${k}`,
          'is not a field of a tier (name, label, explanation)',
        );
    if (typeof t.name !== 'string' || !/^[A-Za-z0-9_+-]{1,20}$/.test(t.name))
      throw new ClassificationError(`${path}.name`, 'is a short name (letters, digits, _ + -)');
    if (names.has(t.name)) throw new ClassificationError(`${path}.name`, `${t.name} is used twice`);
    names.add(t.name);
    return {
      name: t.name,
      label: text2(t.label, `${path}.label`),
      explanation: text2(t.explanation, `${path}.explanation`),
    };
  });
  if (!Array.isArray(doc.rules) || doc.rules.length === 0)
    throw new ClassificationError('rules', 'is a non-empty list');
  const rules = doc.rules.map((r: unknown, j) => parseRule(r, `rules[${j}]`, names));
  const last = rules[rules.length - 1]!;
  if (Object.keys(last).length !== 1)
    throw new ClassificationError(
      `rules[${rules.length - 1}]`,
      'the last rule has no conditions (only a tier), so that every account gets a tier',
    );
  return { purposes: { current: purposes.current, pastDue: purposes.pastDue }, tiers, rules };
}

export function ruleMatches(rule: TierRule, x: ClassificationInput): boolean {
  if (rule.purpose !== undefined && rule.purpose !== x.purpose) return false;
  if (rule.bucket && !rule.bucket.includes(x.bucket)) return false;
  if (rule.onHold !== undefined && rule.onHold !== x.onHold) return false;
  if (rule.pastDueDaysAtLeast !== undefined && x.pastDueDays < rule.pastDueDaysAtLeast)
    return false;
  if (rule.scored !== undefined && rule.scored !== (x.probability !== null)) return false;
  if (
    rule.probabilityBelow !== undefined &&
    !(x.probability !== null && x.probability < rule.probabilityBelow)
  )
    return false;
  if (
    rule.probabilityAtLeast !== undefined &&
    !(x.probability !== null && x.probability >= rule.probabilityAtLeast)
  )
    return false;
  return true;
}

/** The tier of an account and the rule that gave it: the first rule that matches. */
export function classify(
  c: Classification,
  x: ClassificationInput,
): { tier: string; rule: number } {
  for (let i = 0; i < c.rules.length; i++)
    if (ruleMatches(c.rules[i]!, x)) return { tier: c.rules[i]!.tier, rule: i };
  // unreachable for a parsed classification: its last rule matches everything
  return { tier: c.rules[c.rules.length - 1]!.tier, rule: c.rules.length - 1 };
}

/** Which purpose's score applies to an account. */
export function purposeFor(c: Classification, pastDueDays: number): string {
  return pastDueDays > 0 ? c.purposes.pastDue : c.purposes.current;
}
