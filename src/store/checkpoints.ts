// WAL checkpoints off the event loop. In WAL mode SQLite appends each commit to the -wal file and,
// by default, the commit that takes it past 1,000 pages copies them back into the database file
// and syncs both — inside that commit, on the thread that serves requests. Under a steady write
// load (clicks, sales) that was a pause every few hundred milliseconds. Here a worker thread with a
// connection of its own runs passive checkpoints every so often: they copy what writers have
// committed without blocking them, and the next writer starts the WAL over once it is all copied.
// The serving connection keeps a much higher automatic checkpoint of its own, so the WAL stays
// bounded even if the worker cannot keep up or has stopped.
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

export interface CheckpointOptions {
  /** How often the worker checkpoints. */
  everyMs: number
  /** WAL pages at which the serving connection checkpoints by itself (the fallback). */
  fallbackPages: number
}

export const DEFAULT_CHECKPOINTS: CheckpointOptions = { everyMs: 250, fallbackPages: 20_000 }

// Plain CommonJS run by the worker: no build step, and nothing of the app is loaded into it.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads')
const SQLite = require(workerData.driver)
const db = new SQLite(workerData.file)
db.pragma('busy_timeout = 0')
setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch {
    // Busy (another process checkpoints) or the file is going away: the next round tries again.
  }
}, workerData.everyMs)
`

export interface Checkpoints {
  stop(): Promise<void>
}

/** Starts checkpointing the SQLite file `file` from a worker thread. */
export function startCheckpoints(file: string, options: CheckpointOptions = DEFAULT_CHECKPOINTS): Checkpoints {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, everyMs: options.everyMs } })
  // Checkpoints are an optimisation: a worker that fails leaves the fallback to do the work.
  worker.on('error', () => {})
  worker.unref()
  return {
    stop: async () => {
      await worker.terminate()
    },
  }
}
