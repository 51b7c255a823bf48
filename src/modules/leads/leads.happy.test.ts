import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { eventsOf, makePartner } from '../../../test/support/partners.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

async function submit(key: string, body: Record<string, unknown>) {
  const res = await server.post('/v1/leads', { key, body })
  expect(res.status, res.text).toBe(201)
  return res.json.data
}

describe('a partner submits a lead', () => {
  it('answers 201 with the lead as Partnero shows it, and GET shows the same', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'partner_1', key: 'ref_1', name: 'John', surname: 'Doe', email: 'john@example.com' })
    const res = await server.post('/v1/leads', { key: p.key, body: { name: 'Alice Brown', email: 'alice@example.com', partner: { key: 'ref_1' } } })
    expect(res.status, res.text).toBe(201)
    expect(res.json).toEqual({
      data: {
        id: 1, status: 'submitted', created_at: new Date().toISOString().slice(0, 10),
        lead_info: { name: 'Alice Brown', email: 'alice@example.com' },
        converted_to: null,
        submitter: { id: 'partner_1', name: 'John Doe', email: 'john@example.com' },
        submission_form: [{ question: 'Name', answer: 'Alice Brown' }, { question: 'Email', answer: 'alice@example.com' }],
        can_be_converted: true, can_be_rejected: true,
      },
      status: 1,
    })
    expect((await server.get('/v1/leads/1', { key: p.key })).json).toEqual(res.json)
    expect(await eventsOf(server, p.id)).toContainEqual({ type: 'lead.submitted', data: res.json.data })
  })

  it('names the partner by id, email or the flat spellings, and keeps custom answers in order', async () => {
    const p = await server.program()
    const partner = await makePartner(server, p.key, { id: 'partner_2', key: 'ref_2' })
    const refs = [{ partner: { id: 'partner_2' } }, { partner: { email: partner.email } }, { partner_key: 'ref_2' }, { partner_id: 'partner_2' }]
    for (const [i, ref] of refs.entries()) {
      const lead = await submit(p.key, { name: `Lead ${i}`, email: `lead${i}@example.com`, ...ref })
      expect(lead).toMatchObject({ id: i + 1, submitter: { id: 'partner_2' } })
    }
    const lead = await submit(p.key, { name: 'Carol', email: 'carol@example.com', partner: { id: 'partner_2' }, cfields: { company: 'Acme', zeta: ['a', 'b'], alpha: 'x' } })
    expect(lead.submission_form).toEqual([
      { question: 'Name', answer: 'Carol' }, { question: 'Email', answer: 'carol@example.com' },
      { question: 'company', answer: 'Acme' }, { question: 'zeta', answer: ['a', 'b'] }, { question: 'alpha', answer: 'x' },
    ])
    expect((await server.get(`/v1/leads/${lead.id}`, { key: p.key })).json.data).toEqual(lead)
  })

  it('numbers leads per program', async () => {
    const [a, b] = [await server.program(), await server.program()]
    await makePartner(server, a.key, { id: 'pa', key: 'ka' })
    await makePartner(server, b.key, { id: 'pb', key: 'kb' })
    expect((await submit(a.key, { name: 'A1', email: 'a1@example.com', partner: { id: 'pa' } })).id).toBe(1)
    expect((await submit(b.key, { name: 'B1', email: 'b1@example.com', partner: { id: 'pb' } })).id).toBe(1)
    expect((await submit(a.key, { name: 'A2', email: 'a2@example.com', partner: { id: 'pa' } })).id).toBe(2)
    const together = await Promise.all([3, 4, 5, 6, 7, 8].map((i) => submit(a.key, { name: `A${i}`, email: `a${i}@example.com`, partner: { id: 'pa' } })))
    expect(together.map((l) => l.id).sort((x, y) => x - y)).toEqual([3, 4, 5, 6, 7, 8])
  })
})

describe('the lead list and setup', () => {
  it('pages like every list: newest first, links keep the filters, sort=asc reverses', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'lister', key: 'lister' })
    for (let i = 1; i <= 5; i++) await submit(p.key, { name: `L${i}`, email: `l${i}@example.com`, partner: { id: 'lister' } })
    const first = await server.get('/v1/leads?limit=2', { key: p.key })
    expect(first.status, first.text).toBe(200)
    expect(first.json.data.map((l: { id: number }) => l.id)).toEqual([5, 4])
    expect(first.json.links).toEqual({ first: `${server.url}/v1/leads?limit=2&page=1`, last: null, prev: null, next: `${server.url}/v1/leads?limit=2&page=2` })
    expect(first.json.meta).toEqual({ current_page: 1, from: 1, path: `${server.url}/v1/leads`, per_page: 2, to: 2 })
    const last = await server.get('/v1/leads?limit=2&page=3', { key: p.key })
    expect(last.json.data.map((l: { id: number }) => l.id)).toEqual([1])
    expect(last.json.links.next).toBeNull()
    const asc = await server.get('/v1/leads', { key: p.key, body: { sort: 'asc', limit: 3 } })
    expect(asc.json.data.map((l: { id: number }) => l.id)).toEqual([1, 2, 3])
    expect(asc.json.meta.per_page).toBe(3)
  })

  it('reports the lead setup from the program\'s commission rules', async () => {
    const p = await server.program()
    const res = await server.get('/v1/leads/details', { key: p.key })
    expect(res.status, res.text).toBe(200)
    expect(res.json).toEqual({
      data: {
        leads_enabled: 'true',
        program_leads_commission_type: 'follow_program_settings',
        leads_commission: { currency: 'USD', commission: 30, commission_type: 'percent' },
        leads_custom_form_fields: [],
      },
      status: 1,
    })
  })
})

describe('converting a lead', () => {
  for (const method of ['GET', 'POST'] as const) {
    it(`via ${method}: makes a customer of the partner, records the sale and pays 30 % commission`, async () => {
      const p = await server.program()
      const partner = await makePartner(server, p.key, { id: `conv_${method}`, key: `conv_${method}` })
      const lead = await submit(p.key, { name: 'Dana Lee', email: 'dana@example.com', partner: { key: `conv_${method}` } })
      const res = method === 'GET'
        ? await server.get(`/v1/leads/convert?id=${lead.id}&commission_transaction_amount=99.99`, { key: p.key })
        : await server.post('/v1/leads/convert', { key: p.key, body: { id: lead.id, commission_transaction_amount: '99.99' } })
      expect(res.status, res.text).toBe(200)
      const converted = res.json.data
      expect(converted).toMatchObject({
        id: lead.id, status: 'converted', can_be_converted: false, can_be_rejected: false,
        converted_to: { name: 'Dana Lee', email: 'dana@example.com' },
      })
      expect(converted.converted_to.key).toMatch(/^[A-Za-z0-9]{12}$/)
      expect((await server.get(`/v1/leads/${lead.id}`, { key: p.key })).json.data).toEqual(converted)

      const customer = await server.get(`/v1/customers/${converted.converted_to.key}`, { key: p.key })
      expect(customer.status, customer.text).toBe(200)
      expect(customer.json.data).toMatchObject({ key: converted.converted_to.key, partner: partner.id, name: 'Dana Lee', email: 'dana@example.com', status: 'active' })

      const sales = await server.get(`/v1/customers/${converted.converted_to.key}/transactions`, { key: p.key })
      expect(sales.json.data).toHaveLength(1)
      expect(sales.json.data[0]).toMatchObject({ action: 'sale', amount: 99.99, amount_units: 'USD', partner: partner.id })
      expect(sales.json.data[0].rewards).toEqual([expect.objectContaining({ status: 'ok', amount: 29.997, amount_units: 'USD', partner: partner.id })])

      const view = (await server.get(`/v1/partners/${partner.id}`, { key: p.key })).json.data
      expect(view.commissions.not_paid).toEqual([{ currency: 'USD', amount: 29.997 }])
      expect(view.referrals).toMatchObject({ signups: 1, sales_count: 1, revenue: [{ currency: 'USD', amount: 99.99 }] })

      const events = await eventsOf(server, p.id)
      expect(events.map((e) => e.type)).toEqual(['partner.created', 'lead.submitted', 'customer.created', 'reward.created', 'transaction.created', 'lead.converted'])
      expect(events.at(-1)?.data).toEqual(converted)
    })
  }

  it('without an amount (or with 0) makes the customer and records no sale', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'noamount', key: 'noamount' })
    for (const [i, extra] of [{}, { commission_transaction_amount: 0 }].entries()) {
      const lead = await submit(p.key, { name: `N${i}`, email: `n${i}@example.com`, partner: { id: 'noamount' } })
      const res = await server.post('/v1/leads/convert', { key: p.key, body: { id: lead.id, ...extra } })
      expect(res.status, res.text).toBe(200)
      const sales = await server.get(`/v1/customers/${res.json.data.converted_to.key}/transactions`, { key: p.key })
      expect(sales.json.data).toEqual([])
    }
    const view = (await server.get('/v1/partners/noamount', { key: p.key })).json.data
    expect(view.referrals).toMatchObject({ signups: 2, sales_count: 0 })
    expect(view.commissions.not_paid).toEqual([])
  })
})

describe('rejecting and deleting a lead', () => {
  for (const method of ['GET', 'POST'] as const) {
    it(`rejects via ${method}`, async () => {
      const p = await server.program()
      await makePartner(server, p.key, { id: 'rej', key: 'rej' })
      const lead = await submit(p.key, { name: 'Eve', email: 'eve@example.com', partner: { id: 'rej' } })
      const res = method === 'GET'
        ? await server.get(`/v1/leads/reject?id=${lead.id}`, { key: p.key })
        : await server.post('/v1/leads/reject', { key: p.key, body: { id: lead.id } })
      expect(res.status, res.text).toBe(200)
      expect(res.json.data).toEqual({ ...lead, status: 'rejected', can_be_converted: false, can_be_rejected: false })
      expect((await server.get(`/v1/leads/${lead.id}`, { key: p.key })).json.data).toEqual(res.json.data)
      expect(await eventsOf(server, p.id)).toContainEqual({ type: 'lead.rejected', data: res.json.data })
    })
  }

  it('deletes a lead: gone from GET and the list, and its number is not given again', async () => {
    const p = await server.program()
    await makePartner(server, p.key, { id: 'del', key: 'del' })
    const lead = await submit(p.key, { name: 'Finn', email: 'finn@example.com', partner: { id: 'del' } })
    const res = await server.delete(`/v1/leads/${lead.id}`, { key: p.key })
    expect(res.status, res.text).toBe(200)
    expect(res.json).toEqual({ status: 1 })
    expect((await server.get(`/v1/leads/${lead.id}`, { key: p.key })).status).toBe(404)
    expect((await server.get('/v1/leads', { key: p.key })).json.data).toEqual([])
    expect((await submit(p.key, { name: 'Gus', email: 'gus@example.com', partner: { id: 'del' } })).id).toBe(lead.id + 1)
    // The person's data does not outlive the lead.
    const rows = await server.store.db.selectFrom('leads').select('email').where('program_id', '=', p.id).execute()
    expect(rows).toEqual([{ email: 'gus@example.com' }])
  })
})
