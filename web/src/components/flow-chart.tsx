/**
 * The collection flow chart of a strategy version: every account every day goes down the
 * checks (paid up, hold, promise, plan), then the segments' conditions in order; the first that
 * holds starts that segment's treatment path, step by step by day. Drawn in HTML so that it
 * prints as a document for the policy binder.
 */
import { useI18n } from '../i18n/index.tsx';

interface Node {
  id: string;
  kind: string;
  label?: string;
  segmentId?: string;
  name?: string;
  stage?: string;
  description?: string | null;
  when?: string;
  stepId?: string;
  channel?: string;
  offset?: number;
  day?: string;
  template?: string;
  skipIf?: string | null;
  onFail?: unknown;
  exits?: { reason: string; label: string }[];
}
export interface Flow {
  strategyId: string;
  version: number;
  status: string;
  name: string;
  nodes: Node[];
  edges: { from: string; to: string; kind: string; label: string | null }[];
}

export function FlowChart({ flow }: { flow: Flow }) {
  const { t, tm } = useI18n();
  const start = flow.nodes.find((n) => n.kind === 'start');
  const exits = flow.nodes.find((n) => n.kind === 'exits');
  const conditions = flow.nodes
    .filter((n) => n.kind === 'condition')
    .sort(
      (a, b) =>
        Number((a as { order?: number }).order ?? 0) - Number((b as { order?: number }).order ?? 0),
    );
  const steps = (segmentId: string) =>
    flow.nodes
      .filter((n) => n.kind === 'step' && n.segmentId === segmentId)
      .sort((a, b) => (a.offset ?? 0) - (b.offset ?? 0));
  return (
    <div className="flow" data-testid="flow-chart">
      <h2 className="only-print">
        {flow.name} · {flow.strategyId} v{flow.version}
      </h2>
      <div className="flow-segment">
        <strong>{start?.label}</strong>
      </div>
      {exits && (
        <div className="flow-segment">
          <strong>{t('flow.exitsFirst')}</strong>{' '}
          {(exits.exits ?? []).map((e) => (
            <span key={e.reason} className="tag">
              {tm(`flow.exit.${e.reason}`)}
            </span>
          ))}
          <span className="muted"> → {t('flow.leaves')}</span>
        </div>
      )}
      {conditions.map((c, i) => {
        const seg = flow.nodes.find((n) => n.kind === 'segment' && n.segmentId === c.segmentId);
        return (
          <div key={c.id} className="flow-segment" data-segment={c.segmentId}>
            <div className="small muted">
              {i === 0 ? t('flow.if') : t('flow.elseIf')} <code>{c.when}</code>
            </div>
            <div>
              <strong>{seg?.name}</strong> <span className="tag">{seg?.stage}</span>{' '}
              {seg?.description && <span className="muted small">{seg.description}</span>}
            </div>
            <div className="flow-steps">
              {steps(c.segmentId ?? '').map((s, j) => (
                <span key={s.id} style={{ display: 'contents' }}>
                  {j > 0 && <span className="flow-arrow">→</span>}
                  <span
                    className="flow-step"
                    title={[s.template, s.skipIf ? `skip if ${s.skipIf}` : '']
                      .filter(Boolean)
                      .join(' · ')}
                  >
                    <strong>{s.day}</strong> {tm(`channel.${s.channel}`)}
                    <span className="muted small"> {s.template}</span>
                    {s.skipIf && (
                      <div className="small muted">{t('flow.skipIf', { rule: s.skipIf })}</div>
                    )}
                  </span>
                </span>
              ))}
            </div>
          </div>
        );
      })}
      <div className="flow-segment muted">{t('flow.noSegment')}</div>
    </div>
  );
}
