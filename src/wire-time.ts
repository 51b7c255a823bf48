// Partnero's time formats: ISO-8601 UTC with microseconds, and date-only strings.

/** 1714495453000 → "2024-04-30T16:44:13.000000Z" */
export function isoMicros(epochMs: number): string {
  // toISOString() ends in ".mmmZ" for every year 0–9999: keep the milliseconds, add three zeros.
  return `${new Date(epochMs).toISOString().slice(0, -1)}000Z`
}

/** 1714495453000 → "2024-04-30" */
export function isoDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10)
}

const DAY_MS = 86_400_000

/** Days since 1970-01-01 UTC: the key of the daily rollups. */
export function epochDay(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS)
}
