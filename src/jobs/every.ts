// A job that runs now and then every `ms`, never overlapping itself. stop() waits for a run in
// progress, so shutdown never cuts a job's transaction in half.
export interface Running {
  stop(): Promise<void>
}

export function every(ms: number, work: () => Promise<unknown>, onError: (err: unknown) => void): Running {
  let timer: NodeJS.Timeout | undefined
  let current: Promise<void> = Promise.resolve()
  let stopped = false
  const run = () => {
    current = work().then(() => undefined, onError).finally(() => {
      if (!stopped) timer = setTimeout(run, ms).unref()
    })
  }
  run()
  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await current
    },
  }
}
