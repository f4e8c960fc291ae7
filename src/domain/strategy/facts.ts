/**
 * What a strategy's expressions can see about an account: the CEL environment (names and
 * types, checked when a strategy is validated) and the conversion of plain facts into CEL
 * values. Amounts are in major units as doubles, for comparisons only; the ledger stays exact.
 */
import { Environment } from '@marcbachmann/cel-js';

export interface AccountFacts {
  account: {
    id: string;
    product: string;
    currency: string;
    bucket: string;
    delinquent_days: number;
    past_due_days: number;
    /** Days until the next instalment falls due; -1 when none is scheduled. */
    days_to_due: number;
    outstanding: number;
    arrears: number;
    tags: string[];
  };
  customer: {
    id: string;
    language: string;
    jurisdiction: string;
    timezone: string;
    tags: string[];
  };
  history: {
    broken_promises: number;
    /** -1 when there has been none. */
    days_since_payment: number;
    days_since_contact: number;
  };
  score: {
    /** Whether the account has a score for the purpose that applies to it. */
    available: boolean;
    /** The tier of the classification standard (A best … E worst by default). */
    tier: string;
    /** The purpose that applies: early_warning while not past due, collection once it is. */
    purpose: string;
    /** The probability of that purpose's event (the bad outcome); 0 when not scored. */
    probability: number;
    /** The scorecard's points; 0 when not scored. */
    points: number;
    band: string;
    /** The characteristics that cost the most points, worst first. */
    reasons: string[];
  };
}

/** The score facts of an account with no score and no tier. */
export const NO_SCORE: AccountFacts['score'] = Object.freeze({
  available: false,
  tier: '',
  purpose: '',
  probability: 0,
  points: 0,
  band: '',
  reasons: [],
});

/** The variables and their types, for the environment and for the documentation. */
export const FACT_SCHEMA = {
  account: {
    id: 'string',
    product: 'string',
    currency: 'string',
    bucket: 'string',
    delinquent_days: 'int',
    past_due_days: 'int',
    days_to_due: 'int',
    outstanding: 'double',
    arrears: 'double',
    tags: 'list<string>',
  },
  customer: {
    id: 'string',
    language: 'string',
    jurisdiction: 'string',
    timezone: 'string',
    tags: 'list<string>',
  },
  history: { broken_promises: 'int', days_since_payment: 'int', days_since_contact: 'int' },
  score: {
    available: 'bool',
    tier: 'string',
    purpose: 'string',
    probability: 'double',
    points: 'int',
    band: 'string',
    reasons: 'list<string>',
  },
} as const;

export function celEnvironment(): Environment {
  let env = new Environment({ limits: { maxAstNodes: 2000, maxDepth: 50 } });
  for (const [name, schema] of Object.entries(FACT_SCHEMA)) {
    env = env.registerVariable({ name, schema: { ...schema } });
  }
  return env;
}

type CelValue = string | bigint | number | boolean | string[];

/** The facts as CEL values, built once per account and evaluation day. */
export type CelContext = Readonly<Record<string, Readonly<Record<string, CelValue>>>>;

/** Plain facts to CEL values: integers become BigInt, as CEL's int is 64-bit. */
export function toCel(facts: AccountFacts): CelContext {
  const out: Record<string, Record<string, CelValue>> = {};
  for (const [name, schema] of Object.entries(FACT_SCHEMA)) {
    const src = facts[name as keyof AccountFacts] as Record<string, CelValue>;
    const dst: Record<string, CelValue> = {};
    for (const [field, type] of Object.entries(schema)) {
      const v = src[field];
      dst[field] = type === 'int' ? BigInt(v as number) : (v as CelValue);
    }
    out[name] = dst;
  }
  return out;
}
