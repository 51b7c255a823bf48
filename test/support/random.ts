// A seeded generator (mulberry32) for the suites that make up their own load, so that a failing
// run can be run again exactly as it was: the seed is all it takes.
export interface Random {
  /** A number in [0, 1). */
  next(): number
  /** A whole number in [0, below). */
  int(below: number): number
  chance(p: number): boolean
  pick<T>(list: readonly T[]): T
}

export function seeded(seed: number): Random {
  let s = seed >>> 0
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  const int = (below: number) => Math.floor(next() * below)
  return { next, int, chance: (p) => next() < p, pick: (list) => list[int(list.length)] as (typeof list)[number] }
}

/** A shuffled copy (Fisher–Yates). */
export function shuffled<T>(list: readonly T[], random: Random): T[] {
  const out = [...list]
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1)
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

/** Each item three times: what a sender that retries everything delivers. */
export const thrice = <T>(list: readonly T[]): T[] => [...list, ...list, ...list]

/** Works through `items` with `workers` concurrent workers, each taking the next item when free. */
export async function drain<T>(items: readonly T[], workers: number, work: (item: T, worker: number, index: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: workers }, async (_, worker) => {
    for (let i = next++; i < items.length; i = next++) await work(items[i] as T, worker, i)
  }))
}
