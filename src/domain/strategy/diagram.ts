/**
 * The strategy as a flow chart in Mermaid: segments in evaluation order (each tried when the
 * ones before did not match), their conditions, their steps in day order, and the exits.
 */
import type { StrategyDoc } from './document.ts';

/** Mermaid node labels: quotes and line breaks are not allowed raw. */
function label(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replaceAll('"', '#quot;');
}

export function dayLabel(stage: 'pre_due' | 'overdue', offset: number): string {
  if (stage === 'pre_due') {
    if (offset === 0) return 'due day';
    return offset < 0 ? `${-offset} d before due` : `${offset} d after due`;
  }
  return `day ${offset}`;
}

export function strategyDiagram(doc: StrategyDoc): string {
  const lines = ['flowchart TD', `  start(["${label(doc.name)}: every account, every day"])`];
  lines.push('  exits{"paid up, on hold or open promise?"}');
  lines.push('  start --> exits');
  lines.push('  exits -- yes --> paused(["leaves its path"])');
  let from = 'exits';
  let edge = 'no';
  doc.segments.forEach((seg, i) => {
    const cond = `c${i}`;
    lines.push(`  ${cond}{"${label(seg.when)}"}`);
    lines.push(`  ${from} -- ${edge} --> ${cond}`);
    const node = `s${i}`;
    lines.push(
      `  subgraph ${node} ["${label(seg.name ?? seg.id)} (${seg.stage.replace('_', '-')})"]`,
    );
    lines.push('    direction TB');
    const steps = [...seg.steps].sort((a, b) => a.offset - b.offset);
    steps.forEach((st, j) => {
      const skip = st.skip_if ? `<br/>skip if ${label(st.skip_if)}` : '';
      const fail =
        st.on_fail?.action === 'fallback'
          ? `<br/>else ${st.on_fail.channel}`
          : st.on_fail?.action === 'retry_next_day'
            ? '<br/>else retry next day'
            : '';
      lines.push(
        `    ${node}_${j}["${dayLabel(seg.stage, st.offset)}: ${st.channel}<br/>${label(st.template)}${skip}${fail}"]`,
      );
      if (j > 0) lines.push(`    ${node}_${j - 1} --> ${node}_${j}`);
    });
    if (steps.length === 0) lines.push(`    ${node}_none["no action"]`);
    lines.push('  end');
    lines.push(`  ${cond} -- yes --> ${node}`);
    from = cond;
    edge = 'no';
  });
  lines.push(`  ${from} -- no --> none(["no segment: no action"])`);
  return lines.join('\n') + '\n';
}
