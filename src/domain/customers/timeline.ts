/** One line that says what a timeline entry is, from its kind and details. */
import { formatMinor } from '../money/currency.ts';
import type { TimelineKind } from './file.ts';

type Detail = Record<string, unknown>;

const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const money = (d: Detail, key: string) =>
  typeof d[key] === 'number' && typeof d.currency === 'string'
    ? `${formatMinor(d[key], d.currency)} ${d.currency}`
    : '';

/** Compliance reasons are `{ rule, message }`: the messages, joined. */
const reasonsOf = (v: unknown) =>
  Array.isArray(v) ? v.map((r) => s((r as Detail).message ?? (r as Detail).rule)).join('; ') : '';

const SUMMARIES: Record<TimelineKind, (d: Detail) => string> = {
  payment: (d) => `paid ${money(d, 'amountMinor')} (${s(d.source)})`,
  contact: (d) =>
    `${s(d.direction)} ${s(d.channel)}: ${s(d.outcome)}${d.by ? ` by ${s(d.by)}` : ''}`,
  message: (d) =>
    d.direction === 'inbound'
      ? `${s(d.channel)} from the customer: "${s(d.text)}" (${s(d.action)})`
      : `${s(d.channel)} ${s(d.template)}: ${s(d.state)}${d.reason ? ` (${s(d.reason)})` : ''}`,
  blocked: (d) => `${s(d.channel)} blocked at ${s(d.stage)}: ${reasonsOf(d.reasons)}`,
  strategy: (d) =>
    d.exitReason
      ? `left the strategy path: ${s(d.exitReason)}`
      : `entered segment ${s(d.segment)} (${s(d.bucket)})`,
  step: (d) =>
    `${s(d.step)}: ${s(d.channel)} ${s(d.template)} ${s(d.status)}${d.reason ? ` (${s(d.reason)})` : ''}`,
  promise: (d) =>
    `promised ${money(d, 'amountMinor')} for ${s(d.promisedFor)}: ${s(d.status)}${d.late ? ' (late)' : ''}`,
  plan: (d) => `plan ${s(d.plan)}: ${s(d.action)}${d.by ? ` by ${s(d.by)}` : ''}`,
  hold: (d) => `${s(d.kind)} hold from ${s(d.from)}${d.to ? ` to ${s(d.to)}` : ''}`,
  note: (d) => `note by ${s(d.by)}: ${s(d.body)}`,
  change: (d) => `${s(d.subject).replace('_', ' ')} ${s(d.action)} by ${s(d.by)}`,
};

export function summaryOf(kind: TimelineKind, detail: Detail): string {
  return SUMMARIES[kind](detail);
}
