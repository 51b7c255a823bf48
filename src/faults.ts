// Bugs the reliability suites guard against, re-introduced on purpose so a test can prove that its
// suite goes red without the fix. Only a test run can turn one on: the switches are read only when
// VITEST is set (vitest sets it in its workers, and servers a suite spawns inherit it), either from
// PARTNERKIT_INJECT_BUG (a comma-separated list, for spawned servers) or by injectFault() in-process.
export type Fault =
  /** An id lookup forgets its program: another program's object is found. */
  | 'isolation'
  /** A Stripe event is not claimed: a redelivery takes effect again. */
  | 'exactly-once'
  /** An Idempotency-Key's answer is recorded after its effect commits, not with it. */
  | 'crash'
  /** Webhook URLs are not checked against private and loopback addresses. */
  | 'ssrf'

const underTest = process.env.VITEST !== undefined
const active = new Set<string>(underTest ? (process.env.PARTNERKIT_INJECT_BUG ?? '').split(',').filter(Boolean) : [])

export function injected(fault: Fault): boolean {
  return active.size > 0 && active.has(fault)
}

/** Turns a fault on or off in this process; refused outside a test run. */
export function injectFault(fault: Fault, on: boolean): void {
  if (!underTest) throw new Error('faults can be injected only under a test run')
  if (on) active.add(fault)
  else active.delete(fault)
}
