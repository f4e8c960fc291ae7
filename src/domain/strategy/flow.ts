/**
 * The strategy as flow-chart data for a console to draw: nodes (the start, the exits checked
 * first, each segment's condition, the segment, its steps in day order, the end when no segment
 * matches) and the edges between them. The same reading as the Mermaid chart (diagram.ts):
 * segments are tried in order, the first whose condition holds takes the account.
 */
import { dayLabel } from './diagram.ts';
import type { Channel, OnFail, Stage, StrategyDoc } from './document.ts';
import type { ExitReason } from './plan.ts';

/** Why an account leaves its path before any segment is tried, in the planner's order. */
export const PATH_EXITS: readonly { reason: Exclude<ExitReason, 'no_segment'>; label: string }[] = [
  { reason: 'paid_up', label: 'paid up' },
  { reason: 'hold', label: 'on hold' },
  { reason: 'promise', label: 'open promise to pay' },
  { reason: 'plan', label: 'active repayment plan' },
];

export type FlowNode =
  | { id: 'start'; kind: 'start'; label: string }
  | { id: 'exits'; kind: 'exits'; label: string; exits: typeof PATH_EXITS }
  | { id: 'paused'; kind: 'exit'; label: string }
  | { id: 'no_segment'; kind: 'exit'; label: string }
  | { id: string; kind: 'condition'; segmentId: string; order: number; when: string }
  | {
      id: string;
      kind: 'segment';
      segmentId: string;
      name: string;
      stage: Stage;
      description: string | null;
    }
  | {
      id: string;
      kind: 'step';
      segmentId: string;
      stepId: string;
      channel: Channel;
      /** Days from entry (overdue) or from the next due date (pre-due). */
      offset: number;
      day: string;
      template: string;
      priority: number | null;
      skipIf: string | null;
      onFail: OnFail | null;
      description: string | null;
    };

export interface FlowEdge {
  from: string;
  to: string;
  /** `yes`/`no` out of a check, `path` from a segment to its first step, `then` between steps. */
  kind: 'yes' | 'no' | 'path' | 'then';
  label: string | null;
}

export interface StrategyFlow {
  strategyId: string;
  name: string;
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export function strategyFlow(doc: StrategyDoc): StrategyFlow {
  const nodes: FlowNode[] = [
    { id: 'start', kind: 'start', label: `${doc.name}: every account, every day` },
    {
      id: 'exits',
      kind: 'exits',
      label: 'paid up, on hold, open promise or plan?',
      exits: PATH_EXITS,
    },
    { id: 'paused', kind: 'exit', label: 'leaves its path' },
  ];
  const edges: FlowEdge[] = [
    { from: 'start', to: 'exits', kind: 'path', label: null },
    { from: 'exits', to: 'paused', kind: 'yes', label: 'yes' },
  ];
  let previous = 'exits';
  doc.segments.forEach((seg, order) => {
    const cond = `condition:${seg.id}`;
    const node = `segment:${seg.id}`;
    nodes.push({ id: cond, kind: 'condition', segmentId: seg.id, order, when: seg.when });
    nodes.push({
      id: node,
      kind: 'segment',
      segmentId: seg.id,
      name: seg.name ?? seg.id,
      stage: seg.stage,
      description: seg.description ?? null,
    });
    edges.push({ from: previous, to: cond, kind: 'no', label: 'no' });
    edges.push({ from: cond, to: node, kind: 'yes', label: 'yes' });
    let last = node;
    for (const st of [...seg.steps].sort((a, b) => a.offset - b.offset)) {
      const id = `step:${seg.id}/${st.id}`;
      nodes.push({
        id,
        kind: 'step',
        segmentId: seg.id,
        stepId: st.id,
        channel: st.channel,
        offset: st.offset,
        day: dayLabel(seg.stage, st.offset),
        template: st.template,
        priority: st.priority ?? null,
        skipIf: st.skip_if ?? null,
        onFail: st.on_fail ?? null,
        description: st.description ?? null,
      });
      edges.push({
        from: last,
        to: id,
        kind: last === node ? 'path' : 'then',
        label: last === node ? null : dayLabel(seg.stage, st.offset),
      });
      last = id;
    }
    previous = cond;
  });
  nodes.push({ id: 'no_segment', kind: 'exit', label: 'no segment: no action' });
  edges.push({ from: previous, to: 'no_segment', kind: 'no', label: 'no' });
  return { strategyId: doc.id, name: doc.name, nodes, edges };
}
