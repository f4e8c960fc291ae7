/**
 * Reading a strategy document: YAML or JSON text → a checked, compiled strategy, or every
 * problem with the path and the reason (`segments[2].steps[1].channel: unknown channel "fax"`).
 * Expressions are parsed and type-checked here, once per version, so that a strategy that
 * validates cannot fail on an expression at run time.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { parseDocument } from 'yaml';
import {
  CHANNELS,
  STRATEGY_SCHEMA,
  type OnFail,
  type SegmentDoc,
  type StepDoc,
  type StrategyDoc,
} from './document.ts';
import { celEnvironment, type CelContext } from './facts.ts';

export interface StrategyError {
  path: string;
  reason: string;
}

/** A compiled condition over the facts of one account, converted once with `toCel`. */
export type Condition = (context: CelContext) => boolean;

export interface CompiledStep extends StepDoc {
  priority: number;
  onFail: OnFail;
  skipIf: Condition | null;
}

export interface CompiledSegment extends Omit<SegmentDoc, 'steps'> {
  matches: Condition;
  steps: CompiledStep[];
}

export interface CompiledStrategy {
  doc: StrategyDoc;
  segments: CompiledSegment[];
}

export type StrategyResult =
  { ok: true; strategy: CompiledStrategy } | { ok: false; errors: StrategyError[] };

const ajv = new Ajv({ allErrors: true, strict: true });
const checkSchema = ajv.compile<StrategyDoc>(STRATEGY_SCHEMA);
const env = celEnvironment();

/** `/segments/2/steps/1/channel` → `segments[2].steps[1].channel`. */
function toPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce(
      (acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part),
      '',
    );
}

function valueAt(doc: unknown, pointer: string): unknown {
  return toPath(pointer)
    .split(/[.[\]]+/)
    .filter(Boolean)
    .reduce<unknown>(
      (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
      doc,
    );
}

function schemaError(e: ErrorObject, doc: unknown): StrategyError {
  const path = toPath(e.instancePath);
  const join = (field: string) => (path ? `${path}.${field}` : field);
  const value = valueAt(doc, e.instancePath);
  switch (e.keyword) {
    case 'required':
      return { path: join(String(e.params.missingProperty)), reason: 'is required' };
    case 'additionalProperties':
      return { path: join(String(e.params.additionalProperty)), reason: 'is not a known field' };
    case 'enum': {
      const allowed = (e.params.allowedValues as string[]).join(', ');
      const field = path.split('.').at(-1) ?? path;
      return {
        path,
        reason: `unknown ${field.replace(/\[\d+\]$/, '')} ${JSON.stringify(value)} (expected one of ${allowed})`,
      };
    }
    case 'pattern':
      return {
        path,
        reason: `${JSON.stringify(value)} must be lower-case letters, digits, _ or -, starting with a letter or digit`,
      };
    default:
      return { path, reason: e.message ?? 'is not valid' };
  }
}

function compileExpression(text: string, path: string, errors: StrategyError[]): Condition | null {
  const check = env.check(text);
  if (!check.valid) {
    const message = String(check.error?.message ?? 'is not a valid expression').split('\n')[0];
    errors.push({ path, reason: `${message} in ${JSON.stringify(text)}` });
    return null;
  }
  if (check.type !== 'bool') {
    errors.push({
      path,
      reason: `must be true or false, but ${JSON.stringify(text)} is ${check.type}`,
    });
    return null;
  }
  const fn = env.parse(text);
  return (context) => fn(context) === true;
}

/** Checks a parsed document: schema, uniqueness, step rules, and the expressions. */
export function compileStrategy(doc: unknown): StrategyResult {
  if (!checkSchema(doc)) {
    return { ok: false, errors: (checkSchema.errors ?? []).map((e) => schemaError(e, doc)) };
  }
  const errors: StrategyError[] = [];
  const segmentIds = new Set<string>();
  const segments: CompiledSegment[] = doc.segments.map((seg, i) => {
    const at = `segments[${i}]`;
    if (segmentIds.has(seg.id))
      errors.push({ path: `${at}.id`, reason: `duplicate segment id "${seg.id}"` });
    segmentIds.add(seg.id);
    const stepIds = new Set<string>();
    const matches = compileExpression(seg.when, `${at}.when`, errors);
    const steps = seg.steps.map((step, j) => {
      const sp = `${at}.steps[${j}]`;
      if (stepIds.has(step.id))
        errors.push({ path: `${sp}.id`, reason: `duplicate step id "${step.id}"` });
      stepIds.add(step.id);
      if (seg.stage === 'overdue' && step.offset < 0) {
        errors.push({
          path: `${sp}.offset`,
          reason: 'counts days from entry into the segment and cannot be negative',
        });
      }
      const onFail = step.on_fail ?? { action: 'skip' };
      if (onFail.action === 'fallback' && !('channel' in onFail && onFail.channel)) {
        errors.push({ path: `${sp}.on_fail.channel`, reason: 'is required for a fallback' });
      }
      if (onFail.action === 'fallback' && 'channel' in onFail && onFail.channel === step.channel) {
        errors.push({ path: `${sp}.on_fail.channel`, reason: 'must differ from the step channel' });
      }
      const skipIf =
        step.skip_if === undefined
          ? null
          : compileExpression(step.skip_if, `${sp}.skip_if`, errors);
      return { ...step, priority: step.priority ?? 50, onFail, skipIf };
    });
    return { ...seg, matches: matches ?? (() => false), steps };
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, strategy: { doc, segments } };
}

/** Parses YAML (JSON is YAML too) and compiles it. */
export function parseStrategy(text: string): StrategyResult {
  const parsed = parseDocument(text, { prettyErrors: true });
  if (parsed.errors.length > 0) {
    return {
      ok: false,
      errors: parsed.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}` : '',
        reason: e.message.split('\n')[0] ?? 'is not valid YAML',
      })),
    };
  }
  return compileStrategy(parsed.toJS());
}

export { CHANNELS };
