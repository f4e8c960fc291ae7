/**
 * Sharing the day's call tasks among collectors: who may take a task (queue, language,
 * bucket, skill, territory, team) and, among them, who gets it (the account's owner first,
 * then least-loaded or round-robin within each collector's capacity). Tasks are handed out
 * best first, so capacity runs out on the least valuable. What no one can take stays in the
 * shared pool, for "next account" to offer to whoever becomes eligible.
 */
import type { AssignmentMethod } from './policy.ts';

export interface CollectorProfile {
  id: string;
  team: string | null;
  /** Queue names, `*` for any, or a prefix ending in `*` (`calls:*`). */
  queues: readonly string[];
  /** Empty: any language. `zh` covers `zh-CN`. */
  languages: readonly string[];
  /** Empty: any bucket. */
  buckets: readonly string[];
  skills: readonly string[];
  /** Null: any territory; `US` covers `US-NY` (a task's territory is the customer's jurisdiction). */
  territory: string | null;
  capacity: number;
}

export interface QueueTask {
  id: number;
  queue: string;
  language: string;
  bucket: string | null;
  skill: string | null;
  territory: string | null;
  team: string | null;
  value: number;
  /** The collector a supervisor gave the account to. */
  owner: string | null;
}

const matchesQueue = (patterns: readonly string[], queue: string) =>
  patterns.some(
    (p) => p === '*' || p === queue || (p.endsWith('*') && queue.startsWith(p.slice(0, -1))),
  );

const speaks = (languages: readonly string[], language: string) =>
  languages.length === 0 ||
  languages.some(
    (l) => l === language || language.startsWith(`${l}-`) || l.startsWith(`${language}-`),
  );

/** A territory covers itself and what lies within it: `US` covers `US-NY`. */
const covers = (mine: string | null, theirs: string | null) =>
  mine === null || theirs === null || theirs === mine || theirs.startsWith(`${mine}-`);

/** Why a collector may not take a task, or null when it may. */
export function ineligibility(c: CollectorProfile, t: QueueTask): string | null {
  if (t.team !== null && c.team !== t.team) return `the task is for team ${t.team}`;
  if (!matchesQueue(c.queues, t.queue)) return `does not work queue ${t.queue}`;
  if (!speaks(c.languages, t.language)) return `does not speak ${t.language}`;
  if (c.buckets.length > 0 && (t.bucket === null || !c.buckets.includes(t.bucket)))
    return `does not work bucket ${t.bucket ?? 'none'}`;
  if (t.skill !== null && !c.skills.includes(t.skill)) return `lacks the skill ${t.skill}`;
  if (!covers(c.territory, t.territory)) return `works territory ${c.territory}`;
  return null;
}

export const eligible = (c: CollectorProfile, t: QueueTask) => ineligibility(c, t) === null;

export interface Assignment {
  taskId: number;
  collector: string;
  /** 'owner' when the account's owner got it, else the method's name. */
  by: 'owner' | AssignmentMethod;
}

export interface AssignmentResult {
  assigned: Assignment[];
  /** Left in the pool, with why. */
  pooled: { taskId: number; reason: string }[];
  /** Tasks per collector after the assignment (including `load` given in). */
  load: Map<string, number>;
}

/**
 * Assigns tasks (best value first) to eligible collectors with room left. `load` is what each
 * collector already holds today (it counts against its capacity).
 */
export function assignTasks(
  tasks: readonly QueueTask[],
  collectors: readonly CollectorProfile[],
  method: AssignmentMethod,
  load: ReadonlyMap<string, number> = new Map(),
): AssignmentResult {
  const held = new Map<string, number>(collectors.map((c) => [c.id, load.get(c.id) ?? 0]));
  const byId = new Map(collectors.map((c) => [c.id, c]));
  const room = (c: CollectorProfile) => held.get(c.id)! < c.capacity;
  const ordered = [...tasks].sort((a, b) => b.value - a.value || a.id - b.id);
  const assigned: Assignment[] = [];
  const pooled: AssignmentResult['pooled'] = [];
  let turn = 0;
  for (const t of ordered) {
    const owner = t.owner !== null ? byId.get(t.owner) : undefined;
    let chosen: CollectorProfile | undefined;
    let by: Assignment['by'] = method;
    if (owner && room(owner) && eligible(owner, t)) {
      chosen = owner;
      by = 'owner';
    } else if (method === 'least_loaded') {
      for (const c of collectors) {
        if (!room(c) || !eligible(c, t)) continue;
        if (!chosen || held.get(c.id)! < held.get(chosen.id)!) chosen = c;
      }
    } else {
      for (let k = 0; k < collectors.length; k++) {
        const c = collectors[(turn + k) % collectors.length]!;
        if (room(c) && eligible(c, t)) {
          chosen = c;
          turn = (turn + k + 1) % collectors.length;
          break;
        }
      }
    }
    if (!chosen) {
      const anyEligible = collectors.some((c) => eligible(c, t));
      pooled.push({
        taskId: t.id,
        reason: anyEligible
          ? 'every eligible collector is at capacity'
          : 'no collector may take it',
      });
      continue;
    }
    held.set(chosen.id, held.get(chosen.id)! + 1);
    assigned.push({ taskId: t.id, collector: chosen.id, by });
  }
  return { assigned, pooled, load: held };
}
