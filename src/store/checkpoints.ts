// WAL checkpoints off the event loop. In WAL mode SQLite appends each commit to the -wal file and,
// by default, the commit that takes it past 1,000 pages copies them back into the database file
// and syncs both — inside that commit, on the thread that serves requests. Under a steady write
// load (clicks, sales) that was a pause every few hundred milliseconds. Here a worker thread with a
// connection of its own runs passive checkpoints every so often: they copy what writers have
// committed without blocking them.
//
// A writer starts the WAL over only when everything in it has been copied, which under a steady
// load rarely holds at the moment a transaction begins, so the WAL grows. The serving connection
// keeps an automatic checkpoint of its own at `fallbackPages` (80 MB): by then the worker has
// copied nearly all of it, so that checkpoint is short, and the next transaction starts the WAL
// over. (A RESTART checkpoint from the worker kept the WAL smaller, but it holds the writer off
// while it runs, and the serving thread then sleeps in SQLite's busy handler: p99 11 → 17 ms.)
// If the worker stops, the serving connection goes back to SQLite's default.
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
    // Busy (a writer, or another process checkpointing) or the file is going away: the next round tries again.
  }
}, workerData.everyMs)
`

export interface Checkpoints {
  stop(): Promise<void>
}

/**
 * Starts checkpointing the SQLite file `file` from a worker thread. `stopped` is called if the
 * worker ends by itself: the serving connection must then checkpoint as often as SQLite's default.
 */
export function startCheckpoints(file: string, stopped: (reason: string) => void, options: CheckpointOptions = DEFAULT_CHECKPOINTS): Checkpoints {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, everyMs: options.everyMs } })
  let stopping = false
  let reason = 'it exited'
  worker.on('error', (err) => {
    reason = err.message
  })
  worker.on('exit', () => {
    if (!stopping) stopped(reason)
  })
  worker.unref()
  return {
    stop: async () => {
      stopping = true
      await worker.terminate()
    },
  }
}
