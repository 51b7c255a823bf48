// The Stripe exactly-once suite's engine. A seeded plan of Stripe events (one-off payments, some
// for customers the event itself creates; subscription checkouts with their invoices, every other
// subscription on API 2025-03-31 with its invoice payments; partial and full refunds; disputes
// opened, won and lost), each delivered three times in a shuffled order by concurrent senders to
// real `partnerkit serve` processes on one store, signed anew for every delivery by the official
// `stripe` package as Stripe does. Then three checks, each a list of what
// went wrong (empty when all held):
// * the answers: every delivery 200, and each event "Handled." once and "Already handled." after;
// * every answer saying an event was handled is checked at once against the store: the effect that
//   event can have by then is there (a sale, a refund, the sales a checkout ties);
// * the end state against a model worked out from the plan alone, in integer micro-units (never
//   floats): which sales exist, their amounts, refunds and archive state, each reward, the ledger
//   per partner and currency, the sums, the handled-event record and the counters against a recount.
import { openMigratedStore, type Store } from '../../src/store/store.js'
import { call, type Answer } from './client.js'
import { runCli, serveCli, type RunningServer } from './cli.js'
import { drain, seeded, shuffled, thrice, type Random } from './random.js'
import { statsPair } from './recompute.js'
import {
  charge, checkout, dispute, invoiceCharge, invoiceDispute, invoicePaymentOf, NEW_API, OLD_API, paidInvoice, STRIPE_SECRET, stripeEvent, stripeHeader,
  subscriptionSession, type ApiVersion, type Subscription,
} from './stripe.js'
import type { TestStore } from './store.js'

export interface StripeRun {
  /** Events in the plan; each is delivered three times. */
  events: number
  /** Concurrent senders. */
  senders: number
  /** Server processes sharing the store. */
  servers: number
  seed: number
  /** Extra environment for the servers (a fault to inject). */
  env?: Record<string, string>
}

export interface StripeReport {
  events: number
  deliveries: number
  /** Answers "Handled." and "Already handled.". */
  handled: number
  alreadyHandled: number
  /** Sales the model expects, and their sums (micro-units per currency). */
  sales: number
  amounts: Record<string, string>
  refunded: Record<string, string>
  commissions: Record<string, string>
  /** Each starts with the check that found it: `answers:`, `effect:` or `end state:`. */
  mismatches: string[]
}

/** How many mismatches each check found. */
export function mismatchesByCheck(report: StripeReport): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const m of report.mismatches) {
    const check = m.slice(0, m.indexOf(':'))
    counts[check] = (counts[check] ?? 0) + 1
  }
  return counts
}

type Dispute = 'open' | 'won' | 'lost'

/** One planned event: its body (signed at each delivery) and what it says, for the model. */
interface Planned {
  id: string
  body: string
  /** The sale's transaction key `stripe_<pi>`, for every event but a subscription checkout. */
  key?: string
  sale?: { currency: string; minor: bigint; customerKey?: string; stripeCustomer?: string }
  link?: { stripeCustomer: string; customerKey: string }
  /** The event Stripe sends at the same moment as this one (a subscription's first invoice, for its checkout; an invoice's payment, for the invoice). */
  together?: string
  refundedMinor?: bigint
  dispute?: Dispute
  /** An `invoice_payment.paid` (API 2025-03-31 on): it ties the PaymentIntent its refunds and disputes name to the invoice's sale `key`. */
  tie?: true
  /** A refund or dispute that names only the PaymentIntent of an invoice keyed by its own id: the id of the event that ties the two. */
  via?: string
}

const PARTNERS = 4
const CUSTOMERS = 40
/** Customers a payment's metadata creates (`customer_key` + `partner_key`), each named by several payments. */
const NEW_CUSTOMERS = 12
const CURRENCIES = ['usd', 'usd', 'eur', 'jpy', 'kwd'] as const
/** Stripe's minor units per currency, written out here rather than taken from the code under test. */
const MICROS_PER_MINOR: Record<string, bigint> = { USD: 10_000n, EUR: 10_000n, JPY: 1_000_000n, KWD: 1_000n }
const COMMISSION_PERCENT = 30n
const DISPUTE_RANK: Record<Dispute, number> = { open: 1, won: 2, lost: 3 }

/** The partner of a customer, by its number: its referral key (what a payment names) and its public id (what the store shows). */
const partnerNumber = (customerKey: string) => Number(/(\d+)$/.exec(customerKey)?.[1]) % PARTNERS
const partnerOf = (customerKey: string) => `eo_ref_${partnerNumber(customerKey)}`
const partnerIdOf = (customerKey: string) => `eo_partner_${partnerNumber(customerKey)}`

/**
 * The plan: groups of events (a payment and what follows it; a subscription) until there are
 * `count`, cut there. Subscriptions alternate between Stripe's two shapes: on 2024-06-20 an
 * invoice's sale is keyed by its PaymentIntent, which its refunds and disputes name; on
 * 2025-03-31.basil it is keyed by the invoice, and each invoice brings an `invoice_payment.paid`
 * (sent with it) that ties its PaymentIntent to it.
 */
export function planEvents(count: number, random: Random): Planned[] {
  const events: Planned[] = []
  for (let n = 0; events.length < count; n++) {
    if (random.chance(0.4)) {
      const stripeCustomer = `cus_eo_${n}`
      const customerKey = `eo_cus_${random.int(CUSTOMERS)}`
      const version: ApiVersion = n % 2 === 0 ? OLD_API : NEW_API
      const subscription = (i: number, currency: string, minor: bigint): Subscription => ({ stripeCustomer, customerKey, n: `eo_${n}_${i}`, amount: Number(minor), currency })
      const event = (type: string, object: Record<string, unknown>, id: string) => stripeEvent(type, object, id, version)
      events.push({
        id: `evt_eo_link_${n}`, body: event('checkout.session.completed', subscriptionSession(subscription(0, 'usd', 0n), version), `evt_eo_link_${n}`),
        link: { stripeCustomer, customerKey }, together: `evt_eo_inv_${n}_0`,
      })
      for (let i = 0, invoices = 1 + random.int(3); i < invoices; i++) {
        const currency = random.pick(CURRENCIES)
        const minor = amountIn(currency, random)
        const s = subscription(i, currency, minor)
        const sale = { currency: currency.toUpperCase(), minor, stripeCustomer }
        const id = `evt_eo_inv_${n}_${i}`
        if (version === OLD_API) {
          events.push({ id, key: `stripe_pi_${s.n}`, body: event('invoice.paid', paidInvoice(s, version), id), sale })
          events.push(...afterPayment(`stripe_pi_${s.n}`, minor, random, {
            refund: (refunded, rid) => event('charge.refunded', invoiceCharge(s, version, Number(refunded)), rid),
            dispute: (status, did) => event(status === 'needs_response' ? 'charge.dispute.created' : 'charge.dispute.closed', invoiceDispute(s, status), did),
          }))
          continue
        }
        const tie = `evt_eo_inpay_${n}_${i}`
        events.push({ id, key: `stripe_in_${s.n}`, body: event('invoice.paid', paidInvoice(s, version), id), sale, together: tie })
        events.push({ id: tie, key: `stripe_in_${s.n}`, body: event('invoice_payment.paid', invoicePaymentOf(s), tie), tie: true })
        events.push(...afterPayment(`stripe_in_${s.n}`, minor, random, {
          refund: (refunded, rid) => event('charge.refunded', invoiceCharge(s, version, Number(refunded)), rid),
          dispute: (status, did) => event(status === 'needs_response' ? 'charge.dispute.created' : 'charge.dispute.closed', invoiceDispute(s, status), did),
        }, tie))
      }
    } else {
      const pi = `pi_eo_${n}`
      const currency = random.pick(CURRENCIES)
      const minor = amountIn(currency, random)
      const created = random.chance(0.3)
      const customerKey = created ? `eo_new_${random.int(NEW_CUSTOMERS)}` : `eo_cus_${random.int(CUSTOMERS)}`
      const metadata = created ? { customer_key: customerKey, partner_key: partnerOf(customerKey) } : { partnero_customer_key: customerKey }
      events.push({ id: `evt_eo_pay_${n}`, key: `stripe_${pi}`, body: stripeEvent('checkout.session.completed', checkout(pi, Number(minor), currency, { metadata }), `evt_eo_pay_${n}`), sale: { currency: currency.toUpperCase(), minor, customerKey } })
      events.push(...afterPayment(`stripe_${pi}`, minor, random, {
        refund: (refunded, rid) => stripeEvent('charge.refunded', charge(pi, Number(minor), Number(refunded), currency), rid),
        dispute: (status, did) => stripeEvent(status === 'needs_response' ? 'charge.dispute.created' : 'charge.dispute.closed', dispute(pi, status), did),
      }))
    }
  }
  return events.slice(0, count)
}

function amountIn(currency: string, random: Random): bigint {
  return BigInt(currency === 'jpy' ? 500 + random.int(50_000) : 1_000 + random.int(500_000))
}

/** The bodies of a payment's refund (cumulative, in minor units) and dispute events, with the ids given. */
interface Bodies {
  refund(refundedMinor: bigint, id: string): string
  dispute(status: 'needs_response' | 'won' | 'lost', id: string): string
}

/**
 * Partial refunds (cumulative, as Stripe sends them), sometimes ending in a full one; a dispute,
 * sometimes closed. `key` is the sale's transaction key; `via`, the event that ties the PaymentIntent
 * they name to it, when they do not name the sale itself.
 */
function afterPayment(key: string, minor: bigint, random: Random, bodies: Bodies, via?: string): Planned[] {
  const name = key.replace(/^stripe_/, '')
  const events: Planned[] = []
  const push = (e: Planned) => events.push(via === undefined ? e : { ...e, via })
  let refunded = 0n
  for (let r = 0; r < 2 && random.chance(0.3); r++) {
    refunded += 1n + BigInt(random.int(Number((minor - refunded) / 2n)))
    push({ id: `evt_eo_ref_${name}_${r}`, key, body: bodies.refund(refunded, `evt_eo_ref_${name}_${r}`), refundedMinor: refunded })
  }
  if (random.chance(0.12)) push({ id: `evt_eo_full_${name}`, key, body: bodies.refund(minor, `evt_eo_full_${name}`), refundedMinor: minor })
  if (random.chance(0.15)) {
    push({ id: `evt_eo_dsp_${name}`, key, body: bodies.dispute('needs_response', `evt_eo_dsp_${name}`), dispute: 'open' })
    if (random.chance(0.7)) {
      const outcome = random.pick(['won', 'lost'] as const)
      push({ id: `evt_eo_closed_${name}`, key, body: bodies.dispute(outcome, `evt_eo_closed_${name}`), dispute: outcome })
    }
  }
  return events
}

interface ModelSale {
  key: string
  currency: string
  amount: bigint
  refunded: bigint
  archived: boolean
  customerKey: string
  commission: bigint
}

/** 30 % of a net amount in micro-units; every amount here makes it whole, which is checked rather than rounded. */
function commissionOf(net: bigint): bigint {
  if ((net * COMMISSION_PERCENT) % 100n !== 0n) throw new Error(`commission of ${net} is not whole`)
  return (net * COMMISSION_PERCENT) / 100n
}

/**
 * What the store must hold once every event has been delivered, from the plan alone: a sale for
 * each payment whose customer can be known (by its metadata, or by its Stripe customer's checkout),
 * refunded up to the largest cumulative refund, archived while its dispute is open or lost
 * (the program reverses commissions on disputes, the default). The refunds and disputes of an
 * invoice keyed by its own id count once its invoice payment is in the plan.
 */
export function modelOf(events: Planned[]): Map<string, ModelSale> {
  const links = new Map(events.flatMap((e) => (e.link ? [[e.link.stripeCustomer, e.link.customerKey] as const] : [])))
  const sales = new Map<string, ModelSale>()
  for (const e of events) {
    if (!e.sale || !e.key) continue
    const customerKey = e.sale.customerKey ?? links.get(e.sale.stripeCustomer ?? '')
    if (!customerKey) continue
    const scale = MICROS_PER_MINOR[e.sale.currency] as bigint
    sales.set(e.key, { key: e.key, currency: e.sale.currency, amount: e.sale.minor * scale, refunded: 0n, archived: false, customerKey, commission: 0n })
  }
  const disputes = new Map<string, Dispute>()
  const ties = new Set(events.filter((e) => e.tie).map((e) => e.id))
  for (const e of events) {
    const sale = e.key === undefined ? undefined : sales.get(e.key)
    // A refund or dispute of a PaymentIntent reaches an invoice keyed by its own id only once something ties the two.
    if (!sale || (e.via !== undefined && !ties.has(e.via))) continue
    if (e.refundedMinor !== undefined) {
      const refunded = e.refundedMinor * (MICROS_PER_MINOR[sale.currency] as bigint)
      if (refunded > sale.refunded) sale.refunded = refunded
    }
    const before = disputes.get(sale.key)
    if (e.dispute && (!before || DISPUTE_RANK[e.dispute] > DISPUTE_RANK[before])) disputes.set(sale.key, e.dispute)
  }
  for (const sale of sales.values()) {
    const state = disputes.get(sale.key)
    sale.archived = state !== undefined && state !== 'won'
    sale.commission = commissionOf(sale.amount - sale.refunded)
  }
  return sales
}

/** Runs the plan against fresh server processes on `testStore` and checks everything it can. */
export async function stripeRun(testStore: TestStore, run: StripeRun): Promise<StripeReport> {
  const events = planEvents(run.events, seeded(run.seed))
  const model = modelOf(events)
  const env = { ...testStore.env, RATE_LIMIT_MAX: '10000000', TRACKING_RATE_LIMIT_MAX: '10000000', LOG_LEVEL: 'silent', ...run.env }
  const made = await runCli(['programs', 'create', '--name', 'Stripe exactly once', '--type', 'affiliate'], env)
  if (made.code !== 0) throw new Error(`programs create failed: ${made.stderr}`)
  const { program, api_key: key } = JSON.parse(made.stdout) as { program: { id: number; public_id: string }; api_key: string }
  // The suite's own view of the store, to check each answer's effect as it comes.
  const store = await openMigratedStore(testStore.options)
  try {
    const mismatches: string[] = []
    const answers = await deliverAll(run, env, key, program, events, new EffectCheck(store, program.id, mismatches), mismatches)
    const counted = answerCheck(events, answers, mismatches)
    const endState: string[] = []
    await endStateCheck(store, program.id, events, model, endState)
    mismatches.push(...endState.map((m) => `end state: ${m}`))
    return { events: events.length, deliveries: 3 * events.length, ...counted, sales: model.size, ...sumsOf(model), mismatches }
  } finally {
    await store.close()
  }
}

/** Every event three times, shuffled, by `run.senders` senders spread over the servers; the answers each event got. */
async function deliverAll(run: StripeRun, env: Record<string, string>, key: string, program: { public_id: string }, events: Planned[],
  effects: EffectCheck, mismatches: string[]): Promise<Map<string, string[]>> {
  const answers = new Map<string, string[]>()
  const servers: RunningServer[] = []
  try {
    for (let i = 0; i < run.servers; i++) servers.push(await serveCli(env))
    await setUp(servers[0] as RunningServer, key)
    await drain(sideBySide(shuffled(thrice(events), seeded(run.seed + 1))), run.senders, async (event, sender, i) => {
      const server = servers[(sender + i) % servers.length] as RunningServer
      const before = effects.before(event)
      let answer: Answer
      try {
        // Signed anew for each delivery, as Stripe does.
        answer = await call(server.url, 'POST', `/integrations/stripe/${program.public_id}/webhook`, {
          body: event.body, headers: { 'stripe-signature': stripeHeader(event.body) },
        })
      } catch (err) {
        mismatches.push(`answers: ${event.id}: no answer (${(err as Error).message})`)
        return
      }
      const message = answer.status === 200 ? String(answer.json?.message) : `${answer.status} ${answer.text.slice(0, 200)}`
      answers.set(event.id, [...answers.get(event.id) ?? [], message])
      if (message === 'Handled.' || message === 'Already handled.') await effects.after(event, before)
    })
  } finally {
    for (const server of servers) await server.stop('SIGTERM')
  }
  return answers
}

/**
 * The first delivery of each event that Stripe sends together with another goes out right before
 * that other's first delivery, so two senders take them up at the same moment: the race a
 * subscription's checkout and first invoice run in production, which a plain shuffle seldom makes.
 */
function sideBySide(queue: Planned[]): Planned[] {
  const out = [...queue]
  for (const event of new Set(queue)) {
    const other = event.together === undefined ? -1 : out.findIndex((e) => e.id === event.together)
    if (other < 0) continue
    const [moved] = out.splice(other, 1) as [Planned]
    out.splice(out.indexOf(event) + 1, 0, moved)
  }
  return out
}

async function setUp(server: RunningServer, key: string): Promise<void> {
  const expectOk = (what: string, a: Answer, status: number) => {
    if (a.status !== status) throw new Error(`${what}: ${a.status} ${a.text}`)
  }
  expectOk('stripe', await call(server.url, 'PUT', '/v1/integrations/stripe', { key, body: { webhook_secret: STRIPE_SECRET } }), 200)
  for (let i = 0; i < PARTNERS; i++) {
    expectOk('partner', await call(server.url, 'POST', '/v1/partners', { key, body: { id: `eo_partner_${i}`, email: `eo${i}@example.com`, name: `EO ${i}`, key: `eo_ref_${i}` } }), 201)
  }
  for (let i = 0; i < CUSTOMERS; i++) {
    const customerKey = `eo_cus_${i}`
    expectOk('customer', await call(server.url, 'POST', '/v1/customers', { key, body: { key: customerKey, partner: { key: partnerOf(customerKey) } } }), 201)
  }
}

/**
 * Each answer that says an event was handled, checked at once: its effect is in the store (the
 * store commits before the server answers). What an event can have done by then depends on what
 * was answered before it was sent: an invoice makes its sale only once its customer's checkout
 * was handled, and a checkout makes the sales of the invoices handled before it. A refund of an
 * invoice keyed by its own id reaches the sale only once its invoice payment was handled, and an
 * invoice payment brings the refunds handled before it.
 */
interface Before {
  linked: boolean
  invoices: string[]
  /** A refund's: whether the invoice payment that ties its PaymentIntent to the sale had been answered. */
  tied: boolean
  /** An invoice payment's: the largest refund of its PaymentIntent answered before it. */
  refunded: bigint | undefined
}

class EffectCheck {
  private readonly linked = new Set<string>()
  private readonly invoicesAnswered = new Map<string, Set<string>>()
  private readonly tied = new Set<string>()
  /** Per invoice keyed by its own id: the largest refund answered, in minor units. */
  private readonly refundsAnswered = new Map<string, bigint>()

  constructor(private readonly store: Store, private readonly programId: number, private readonly mismatches: string[]) {}

  /** What had been answered when `event` was sent. */
  before(event: Planned): Before {
    const stripeCustomer = event.link?.stripeCustomer ?? event.sale?.stripeCustomer
    return {
      linked: stripeCustomer !== undefined && this.linked.has(stripeCustomer),
      invoices: event.link ? [...this.invoicesAnswered.get(event.link.stripeCustomer) ?? []] : [],
      tied: event.via !== undefined && this.tied.has(event.via),
      refunded: event.tie && event.key ? this.refundsAnswered.get(event.key) : undefined,
    }
  }

  async after(event: Planned, before: Before): Promise<void> {
    if (event.link) {
      for (const key of before.invoices) await this.saleMustExist(event, key)
      this.linked.add(event.link.stripeCustomer)
    }
    if (event.sale && event.key) {
      if (event.sale.customerKey !== undefined || before.linked) await this.saleMustExist(event, event.key)
      const customer = event.sale.stripeCustomer
      if (customer !== undefined) this.invoicesAnswered.set(customer, new Set([...this.invoicesAnswered.get(customer) ?? [], event.key]))
    }
    if (event.tie && event.key) {
      this.tied.add(event.id)
      if (before.refunded !== undefined) await this.refundMustBeApplied(event, event.key, before.refunded)
    }
    if (event.refundedMinor !== undefined && event.key) {
      if (event.via !== undefined) this.refundsAnswered.set(event.key, maxBig(this.refundsAnswered.get(event.key) ?? 0n, event.refundedMinor))
      // Applied now if its sale exists (and, for an invoice keyed by its own id, the PaymentIntent was tied to it), else once both are there.
      if (event.via === undefined || before.tied) await this.refundMustBeApplied(event, event.key, event.refundedMinor)
    }
  }

  private async refundMustBeApplied(event: Planned, key: string, refundedMinor: bigint): Promise<void> {
    const row = await this.row(key)
    const wanted = refundedMinor * (MICROS_PER_MINOR[row?.currency ?? ''] ?? 0n)
    if (row && BigInt(row.refunded) < minBig(wanted, BigInt(row.amount))) {
      this.mismatches.push(`effect: ${event.id} answered handled, but ${key} is refunded ${row.refunded} of the ${wanted} it says`)
    }
  }

  private async saleMustExist(event: Planned, key: string): Promise<void> {
    if (!await this.row(key)) this.mismatches.push(`effect: ${event.id} answered handled, but sale ${key} is not there`)
  }

  private row(key: string) {
    return this.store.db.selectFrom('transactions').select(['amount', 'refunded', 'currency']).where('program_id', '=', this.programId)
      .where('key', '=', key).executeTakeFirst()
  }
}

/** Every delivery answered 200; each event handled once, its redeliveries told it already was. */
function answerCheck(events: Planned[], answers: Map<string, string[]>, mismatches: string[]): { handled: number; alreadyHandled: number } {
  let handled = 0
  let alreadyHandled = 0
  for (const e of events) {
    const got = answers.get(e.id) ?? []
    const once = got.filter((m) => m === 'Handled.').length
    const again = got.filter((m) => m === 'Already handled.').length
    handled += once
    alreadyHandled += again
    if (once !== 1 || again !== 2) mismatches.push(`answers: ${e.id}: answered ${JSON.stringify(got)}, not "Handled." once and "Already handled." twice`)
  }
  return { handled, alreadyHandled }
}

async function endStateCheck(store: Store, programId: number, events: Planned[], model: Map<string, ModelSale>, mismatches: string[]): Promise<void> {
  const db = store.db
  const rows = await db.selectFrom('transactions as t').innerJoin('customers as c', 'c.id', 't.customer_id')
    .select(['t.id', 't.key', 't.amount', 't.refunded', 't.currency', 't.archived_at', 't.deleted_at', 'c.key as customer'])
    .where('t.program_id', '=', programId).execute()
  const stored = new Map(rows.map((r) => [r.key ?? `#${r.id}`, r]))
  for (const sale of model.values()) {
    const row = stored.get(sale.key)
    if (!row) {
      mismatches.push(`sale ${sale.key} missing (${sale.amount} ${sale.currency} micros of ${sale.customerKey})`)
      continue
    }
    const got = { amount: BigInt(row.amount), refunded: BigInt(row.refunded), currency: row.currency, archived: row.archived_at !== null, customer: row.customer, deleted: row.deleted_at !== null }
    const want = { amount: sale.amount, refunded: sale.refunded, currency: sale.currency, archived: sale.archived, customer: sale.customerKey, deleted: false }
    for (const field of Object.keys(want) as (keyof typeof want)[]) {
      if (got[field] !== want[field]) mismatches.push(`sale ${sale.key}: ${field} ${String(got[field])}, model ${String(want[field])}`)
    }
  }
  for (const key of stored.keys()) if (!model.has(key)) mismatches.push(`sale ${key} stored, but the model has none`)

  // One reward a sale: 30 % of what is left of it, out of the balances while the sale is archived.
  const rewards = await db.selectFrom('rewards as r').innerJoin('transactions as t', 't.id', 'r.transaction_id')
    .select(['t.key', 'r.amount', 'r.archived']).where('r.program_id', '=', programId).execute()
  const rewardsOf = new Map<string, typeof rewards>()
  for (const r of rewards) rewardsOf.set(r.key ?? '', [...rewardsOf.get(r.key ?? '') ?? [], r])
  for (const sale of model.values()) {
    const got = rewardsOf.get(sale.key) ?? []
    const r = got[0]
    if (got.length !== 1 || !r) {
      if (stored.has(sale.key)) mismatches.push(`sale ${sale.key}: ${got.length} rewards, model 1`)
      continue
    }
    if (BigInt(r.amount) !== sale.commission) mismatches.push(`reward of ${sale.key}: ${r.amount}, model ${sale.commission}`)
    if ((Number(r.archived) === 1) !== sale.archived) mismatches.push(`reward of ${sale.key}: archived ${r.archived}, model ${sale.archived}`)
  }

  const owed = new Map<string, bigint>()
  for (const sale of model.values()) {
    if (sale.archived) continue
    const at = `${partnerIdOf(sale.customerKey)}/${sale.currency}`
    owed.set(at, (owed.get(at) ?? 0n) + sale.commission)
  }
  const ledger = await db.selectFrom('ledger_entries as l').innerJoin('partners as p', 'p.id', 'l.partner_id')
    .select(['p.public_id as partner', 'l.currency', 'l.amount']).where('l.program_id', '=', programId).execute()
  const booked = new Map<string, bigint>()
  for (const e of ledger) booked.set(`${e.partner}/${e.currency}`, (booked.get(`${e.partner}/${e.currency}`) ?? 0n) + BigInt(e.amount))
  for (const at of new Set([...owed.keys(), ...booked.keys()])) {
    if ((owed.get(at) ?? 0n) !== (booked.get(at) ?? 0n)) mismatches.push(`ledger ${at}: ${booked.get(at) ?? 0n}, model ${owed.get(at) ?? 0n}`)
  }

  // The sums, stated apart: a sale lost and another doubled would still show in them.
  const storedSums = sumsOf(new Map([...stored].filter(([, r]) => r.deleted_at === null).map(([key, r]) => [key, {
    key, currency: r.currency, amount: BigInt(r.amount), refunded: BigInt(r.refunded), archived: r.archived_at !== null, customerKey: r.customer ?? '',
    commission: r.archived_at !== null ? 0n : BigInt(rewardsOf.get(key)?.[0]?.amount ?? 0),
  }])), true)
  const modelSums = sumsOf(model, true)
  for (const sum of Object.keys(modelSums) as (keyof typeof modelSums)[]) {
    if (JSON.stringify(storedSums[sum]) !== JSON.stringify(modelSums[sum])) mismatches.push(`${sum}: ${JSON.stringify(storedSums[sum])}, model ${JSON.stringify(modelSums[sum])}`)
  }

  const claimed = await db.selectFrom('stripe_events').select((eb) => eb.fn.countAll<number>().as('n')).where('program_id', '=', programId).executeTakeFirstOrThrow()
  if (Number(claimed.n) !== events.length) mismatches.push(`${claimed.n} events recorded as handled, ${events.length} sent`)
  const created = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('program_id', '=', programId).where('type', '=', 'transaction.created').executeTakeFirstOrThrow()
  if (Number(created.n) !== model.size) mismatches.push(`${created.n} transaction.created events, ${model.size} sales`)
  const newCustomers = new Set([...model.values()].map((s) => s.customerKey).filter((k) => k.startsWith('eo_new_')))
  const customers = await db.selectFrom('customers as c').innerJoin('partners as p', 'p.id', 'c.partner_id').select(['c.key', 'p.public_id as partner'])
    .where('c.program_id', '=', programId).where('c.key', 'like', 'eo_new_%').execute()
  if (customers.length !== newCustomers.size) mismatches.push(`${customers.length} customers made by payments, model ${newCustomers.size}`)
  for (const c of customers) if (c.partner !== partnerIdOf(c.key ?? '')) mismatches.push(`customer ${c.key}: partner ${c.partner}, model ${partnerIdOf(c.key ?? '')}`)
  const { recomputed, maintained } = await statsPair(db, programId)
  if (JSON.stringify(maintained) !== JSON.stringify(recomputed)) mismatches.push(`counters differ from a recount: ${JSON.stringify({ maintained, recomputed })}`)
}

/** Sale count and per-currency sums of amounts, refunds and the commissions owed (archived sales owe none). */
function sumsOf(sales: Map<string, ModelSale>, withCount = false) {
  const amounts: Record<string, bigint> = {}
  const refunded: Record<string, bigint> = {}
  const commissions: Record<string, bigint> = {}
  for (const s of sales.values()) {
    amounts[s.currency] = (amounts[s.currency] ?? 0n) + s.amount
    refunded[s.currency] = (refunded[s.currency] ?? 0n) + s.refunded
    if (!s.archived) commissions[s.currency] = (commissions[s.currency] ?? 0n) + s.commission
  }
  const text = (sums: Record<string, bigint>) => Object.fromEntries(Object.entries(sums).sort().map(([c, v]) => [c, String(v)]))
  return { ...(withCount ? { count: sales.size } : {}), amounts: text(amounts), refunded: text(refunded), commissions: text(commissions) }
}

const minBig = (a: bigint, b: bigint) => (a < b ? a : b)
const maxBig = (a: bigint, b: bigint) => (a > b ? a : b)
