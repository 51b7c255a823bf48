// Group commit: many small writes that arrive together share one transaction. Items gather until
// the event loop has read every request already waiting (or for a set window, or until a batch is
// full), one write stores them all, then every waiting caller gets its own result — so each caller
// still knows its item is durable before it answers, and the store pays one commit per batch
// instead of one per item. One batch is written at a time; what arrives meanwhile forms the next.
//
// Gathering for one turn of the event loop rather than a fixed time adapts by itself: a lone click
// is written at once, and under load a batch is whatever arrived during the previous write. A fixed
// window left the process idle while every client waited for the timer.
export interface GroupCommitOptions {
  /** How long the first item of a batch waits for company; 0: until the requests already read are gathered. */
  windowMs: number
  /** A batch this full is written at once. */
  maxBatch: number
}

interface Waiting<I, O> {
  item: I
  resolve: (result: O) => void
  reject: (error: unknown) => void
}

export class GroupCommit<I, O> {
  private waiting: Waiting<I, O>[] = []
  /** The scheduled start of the next batch, when one is scheduled. */
  private scheduled: { delayMs: number; cancel: () => void } | undefined
  private writing: Promise<void> | undefined

  constructor(
    /** Writes a batch in one transaction; returns one result per item, in order. */
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly options: GroupCommitOptions,
  ) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject })
      if (this.waiting.length >= this.options.maxBatch) this.startSoon(0)
      else this.startSoon(this.options.windowMs)
    })
  }

  /** Writes whatever waits and returns when nothing is left in flight (shutdown). */
  async drain(): Promise<void> {
    this.cancelScheduled()
    while (this.writing || this.waiting.length > 0) {
      if (!this.writing) this.writeNext()
      await this.writing
    }
  }

  private startSoon(delayMs: number): void {
    if (this.writing) return // the running write starts the next batch when it ends
    if (this.scheduled && this.scheduled.delayMs <= delayMs) return // due at least as soon already
    this.cancelScheduled()
    const start = () => {
      this.scheduled = undefined
      this.writeNext()
    }
    if (delayMs > 0) {
      const timer = setTimeout(start, delayMs)
      this.scheduled = { delayMs, cancel: () => clearTimeout(timer) }
    } else {
      const immediate = setImmediate(start)
      this.scheduled = { delayMs, cancel: () => clearImmediate(immediate) }
    }
  }

  private cancelScheduled(): void {
    this.scheduled?.cancel()
    this.scheduled = undefined
  }

  private writeNext(): void {
    if (this.writing || this.waiting.length === 0) return
    const batch = this.waiting.splice(0, this.options.maxBatch)
    this.writing = this.settle(batch).finally(() => {
      this.writing = undefined
      // What arrived during the write has waited long enough already.
      if (this.waiting.length > 0) this.startSoon(0)
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
