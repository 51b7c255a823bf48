// A count a test can wait on: something the code under test does (a job's pass, a request
// arriving, a transaction opened) is counted where it happens, and the test awaits the number it
// needs instead of sleeping or polling.
export interface Count {
  readonly value: number
  add(): void
  /** Resolves once the count is at least `n`. */
  reach(n: number): Promise<void>
}

export function count(): Count {
  let value = 0
  const waiting: Array<{ n: number; resolve: () => void }> = []
  return {
    get value() {
      return value
    },
    add() {
      value++
      for (const w of waiting.filter((w) => w.n <= value)) {
        waiting.splice(waiting.indexOf(w), 1)
        w.resolve()
      }
    },
    reach: (n) => new Promise<void>((resolve) => (n <= value ? resolve() : void waiting.push({ n, resolve }))),
  }
}
