/** Buckets in their order: current first, then by the number in the name (M1, M2, …, M7+). */
export function compareBuckets(a: string, b: string): number {
  const rank = (s: string) => (s === 'current' ? -1 : Number(/\d+/.exec(s)?.[0] ?? 999));
  return rank(a) - rank(b) || a.localeCompare(b);
}
