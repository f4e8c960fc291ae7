/**
 * The workspace policy: how the morning's tasks are shared among collectors, how long "next
 * account" holds a task for the collector it was given to, and the effort a call costs.
 */
export const ASSIGNMENT_METHODS = ['least_loaded', 'round_robin'] as const;
export type AssignmentMethod = (typeof ASSIGNMENT_METHODS)[number];

export interface WorkspacePolicy {
  /** Least-loaded gives each task to the eligible collector with the fewest; round-robin in turn. */
  assignment: AssignmentMethod;
  /** A task given by "next account" is released if not started within this many minutes. */
  lockMinutes: number;
  /** A task skipped by its collector is offered again after this many minutes. */
  deferMinutes: number;
  /** Minutes a call takes, with a share more per unanswered attempt in the last 7 days (%). */
  callMinutes: number;
  attemptPenaltyPercent: number;
  /** Probability of payment (in ‰) for an account without a collection score. */
  unscoredPayPermille: number;
  /** A callback is offered this many minutes before its agreed time. */
  callbackLeadMinutes: number;
}

export const DEFAULT_WORKSPACE_POLICY: WorkspacePolicy = {
  assignment: 'least_loaded',
  lockMinutes: 10,
  deferMinutes: 60,
  callMinutes: 6,
  attemptPenaltyPercent: 50,
  unscoredPayPermille: 300,
  callbackLeadMinutes: 5,
};

export interface PolicyIssue {
  at: string;
  reason: string;
}

const RANGES: Record<Exclude<keyof WorkspacePolicy, 'assignment'>, [number, number]> = {
  lockMinutes: [1, 240],
  deferMinutes: [1, 1440],
  callMinutes: [1, 120],
  attemptPenaltyPercent: [0, 1000],
  unscoredPayPermille: [0, 1000],
  callbackLeadMinutes: [0, 120],
};

/** A workspace policy from a document (missing settings take the defaults), or what is wrong. */
export function parseWorkspacePolicy(
  x: unknown,
): { ok: true; policy: WorkspacePolicy } | { ok: false; issues: PolicyIssue[] } {
  if (typeof x !== 'object' || x === null || Array.isArray(x))
    return { ok: false, issues: [{ at: '', reason: 'must be an object' }] };
  const o = x as Record<string, unknown>;
  const issues: PolicyIssue[] = [];
  const policy: WorkspacePolicy = { ...DEFAULT_WORKSPACE_POLICY };
  const assignment = o.assignment ?? DEFAULT_WORKSPACE_POLICY.assignment;
  if (
    typeof assignment !== 'string' ||
    !(ASSIGNMENT_METHODS as readonly string[]).includes(assignment)
  )
    issues.push({ at: 'assignment', reason: `must be one of ${ASSIGNMENT_METHODS.join(', ')}` });
  else policy.assignment = assignment as AssignmentMethod;
  for (const [name, [min, max]] of Object.entries(RANGES) as [
    keyof typeof RANGES,
    [number, number],
  ][]) {
    const v = o[name] ?? DEFAULT_WORKSPACE_POLICY[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      issues.push({ at: name, reason: `must be a whole number from ${min} to ${max}` });
    else policy[name] = v;
  }
  for (const k of Object.keys(o))
    if (!(k in DEFAULT_WORKSPACE_POLICY))
      issues.push({ at: k, reason: 'is not a workspace setting' });
  return issues.length ? { ok: false, issues } : { ok: true, policy };
}
