// How much a long suite does. `npm test` runs short forms so it stays under six minutes on
// SQLite; CI (.ci/run) sets PARTNERKIT_TEST_FULL=1 for the counts the quality bar names.
export const FULL = process.env.PARTNERKIT_TEST_FULL === '1'

/** `short` in a plain `npm test`, `full` in CI. */
export function scaled(short: number, full: number): number {
  return FULL ? full : short
}
