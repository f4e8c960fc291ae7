/**
 * The strategy document: segments evaluated in order (first match wins), each with a condition
 * and a treatment path of steps. Business users write it as YAML or JSON; `schema` is its JSON
 * Schema, `validateStrategy` checks it and compiles its expressions.
 */

export const CHANNELS = [
  'sms',
  'email',
  'phone',
  'letter',
  'field_visit',
  'agency',
  'legal_review',
  'write_off_review',
] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * `pre_due`: early warning for accounts not yet overdue; step offsets count from the next due
 * date (-5 is five days before it). `overdue`: step offsets count from the day the account
 * entered the segment (0 is that day).
 */
export const STAGES = ['pre_due', 'overdue'] as const;
export type Stage = (typeof STAGES)[number];

export type OnFail =
  | { action: 'skip' }
  | { action: 'retry_next_day'; max_retries?: number }
  | { action: 'fallback'; channel: Channel };

export interface StepDoc {
  id: string;
  offset: number;
  channel: Channel;
  template: string;
  priority?: number;
  /** CEL: when true on the step's day, the step is skipped. */
  skip_if?: string;
  on_fail?: OnFail;
  description?: string;
}

export interface SegmentDoc {
  id: string;
  name?: string;
  stage: Stage;
  /** CEL condition over account, customer, history and score. */
  when: string;
  steps: StepDoc[];
  description?: string;
}

export interface StrategyDoc {
  id: string;
  name: string;
  description?: string;
  segments: SegmentDoc[];
}

/** Ids of strategies, segments, steps and experiments. */
export const ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';

const ID = { type: 'string', pattern: ID_PATTERN } as const;

const CHANNEL = { type: 'string', enum: [...CHANNELS] } as const;

/** JSON Schema (draft-07) of a strategy document. */
export const STRATEGY_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://recoup.dev/schemas/strategy.json',
  title: 'Recoup collections strategy',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'segments'],
  properties: {
    id: ID,
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string' },
    segments: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'stage', 'when', 'steps'],
        properties: {
          id: ID,
          name: { type: 'string' },
          description: { type: 'string' },
          stage: { type: 'string', enum: [...STAGES] },
          when: { type: 'string', minLength: 1 },
          steps: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'offset', 'channel', 'template'],
              properties: {
                id: ID,
                offset: { type: 'integer', minimum: -365, maximum: 3650 },
                channel: CHANNEL,
                template: { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]{0,127}$' },
                priority: { type: 'integer', minimum: 0, maximum: 100 },
                skip_if: { type: 'string', minLength: 1 },
                description: { type: 'string' },
                on_fail: {
                  type: 'object',
                  required: ['action'],
                  additionalProperties: false,
                  properties: {
                    action: { type: 'string', enum: ['skip', 'retry_next_day', 'fallback'] },
                    max_retries: { type: 'integer', minimum: 1, maximum: 30 },
                    channel: CHANNEL,
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
