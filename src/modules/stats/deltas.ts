// Counter changes gathered from several rules before one upsert: one change per row, zeros
// dropped. PostgreSQL refuses an upsert that touches the same row twice in one statement.
export function mergeDeltas<T extends { value: number | bigint }>(deltas: T[], rowOf: (d: T) => string): T[] {
  const merged = new Map<string, T>()
  for (const d of deltas) {
    const row = rowOf(d)
    const seen = merged.get(row)
    merged.set(row, seen ? { ...seen, value: BigInt(seen.value) + BigInt(d.value) } : d)
  }
  return [...merged.values()].filter((d) => BigInt(d.value) !== 0n)
}
