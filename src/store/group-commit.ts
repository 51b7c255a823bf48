// Group commit: many small writes that arrive together share one transaction. Items gather until
// the event loop has read every request already waiting (or until a batch is full), one write
// stores them all, then every waiting caller gets its own result — so each caller still knows its
// item is durable before it answers, and the store pays one commit per batch instead of one per
// item. One batch is written at a time; what arrives meanwhile forms the next.
//
// Gathering for one turn of the event loop rather than a fixed time adapts by itself: a lone item
// is written at once, and under load a batch is whatever arrived during the previous write. A fixed
// window (2 ms, for clicks) left the process idle while every client waited for the timer.
import { outsideUnits } from './unit.js'

interface Waiting<I, O> {
  item: I
  resolve: (result: O) => void
  reject: (error: unknown) => void
}

export class GroupCommit<I, O> {
  private waiting: Waiting<I, O>[] = []
  private scheduled: NodeJS.Immediate | undefined
  private writing: Promise<void> | undefined

  constructor(
    /** Writes a batch in one transaction; returns one result per item, in order. */
    private readonly write: (items: I[]) => Promise<O[]>,
    /** Most items in one batch. */
    private readonly maxBatch: number,
  ) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject })
      this.startSoon()
    })
  }

  /** Writes whatever waits and returns when nothing is left in flight (shutdown). */
  async drain(): Promise<void> {
    clearImmediate(this.scheduled)
    this.scheduled = undefined
    while (this.writing || this.waiting.length > 0) {
      if (!this.writing) this.writeNext()
      await this.writing
    }
  }

  private startSoon(): void {
    // A running write starts the next batch when it ends.
    if (this.writing || this.scheduled) return
    // The batch is everyone's: it must not run inside the unit of the request that started it.
    this.scheduled = outsideUnits(() => setImmediate(() => {
      this.scheduled = undefined
      this.writeNext()
    }))
  }

  private writeNext(): void {
    if (this.writing || this.waiting.length === 0) return
    const batch = this.waiting.splice(0, this.maxBatch)
    this.writing = this.settle(batch).finally(() => {
      this.writing = undefined
      // What arrived during the write has waited long enough already.
      if (this.waiting.length > 0) this.startSoon()
    })
  }

  private async settle(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const results = await this.write(batch.map((w) => w.item))
      batch.forEach((w, i) => w.resolve(results[i] as O))
    } catch (error) {
      for (const w of batch) w.reject(error)
    }
  }
}
