// A refer-a-friend program's Rewards settings over HTTP against a real store: the rules and the
// attribution model save through PUT /v1/program's schema and service (the API reads them back, an
// audit entry is written), a refused change shows the API's messages and saves nothing, and the
// preview says what the rules in the form would earn, saving nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { eventsOf } from '../../../test/support/partners.js'
import { auditOf, signedInMember } from '../../../test/support/admin-sign-in.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

type Program = { id: number; publicId: string; key: string }
const settingsOf = async (p: Program) => (await server.get('/v1/program', { key: p.key })).json.data.program_settings

/** One rule row as the form posts it (every column, in order). */
function rows(...list: Array<Partial<Record<string, string>>>) {
  const columns = ['side', 'trigger', 'type', 'value', 'unit', 'recurrence', 'months', 'from', 'to', 'review_days']
  const blank: Record<string, string> = { side: 'referrer', trigger: 'sale', type: 'static', value: '', unit: 'currency', recurrence: 'once', months: '', from: '', to: '', review_days: '' }
  return Object.fromEntries(columns.map((c) => [`reward_${c}`, list.map((r) => ({ ...blank, ...r })[c] as string)]))
}

describe('the Rewards page', () => {
  it('shows the saved rules with a preview, and saves new rules and the attribution through the API\'s service', async () => {
    const p = await server.program({ type: 'referral', currency: 'USD' })
    const { v, userId } = await signedInMember(server, p.id, 'admin')
    const page = await v.get('/admin/settings/rewards')
    expect(page.status).toBe(200)
    expect(page.text).toContain('aria-current="page">Rewards</a>')
    expect(page.text).toMatch(/id="f-value-0" name="reward_value" type="text" value="10"/)
    expect(page.text).toContain('A first sale of $100.00 by the 1st friend a customer referred earns the referrer $10.00 and the friend nothing.')
    const before = (await eventsOf(server, p.id)).length
    const saved = await v.post('/admin/settings/rewards', {
      ...rows({ value: '15', recurrence: 'months', months: '6', review_days: '30' }, { side: 'friend', trigger: 'signup', value: '50', unit: 'points', to: '3' }, {}),
      referral_attribution: 'first_click',
    })
    expect(saved.status, saved.text).toBe(303)
    expect(saved.headers.location).toBe('/admin/settings/rewards?notice=settings-saved')
    expect((await v.follow(saved)).text).toContain('The settings are saved.')
    const settings = await settingsOf(p)
    expect(settings.referral_attribution).toBe('first_click')
    expect(settings.referral_rewards).toEqual([
      { side: 'referrer', trigger: 'sale', type: 'static', value: '15.00', unit: 'currency', recurrence: { months: 6 }, review_days: 30 },
      { side: 'friend', trigger: 'signup', type: 'static', value: '50.00', unit: 'points', recurrence: 'once', to_occurrence: 3 },
    ])
    expect((await eventsOf(server, p.id)).slice(before).map((e) => e.type)).toEqual(['program.updated'])
    expect((await auditOf(server, p.id))[0]).toMatchObject({ action: 'program.rewards_updated', objectId: p.publicId, userId })
    // Emptying a rule's value removes it.
    await v.get('/admin/settings/rewards')
    const removed = await v.post('/admin/settings/rewards', { ...rows({ value: '15' }, { side: 'friend', value: '' }), referral_attribution: 'last_click' })
    expect(removed.status).toBe(303)
    expect((await settingsOf(p)).referral_rewards).toEqual([{ side: 'referrer', trigger: 'sale', type: 'static', value: '15.00', unit: 'currency', recurrence: 'once' }])
  })

  it('refuses what the API refuses, with its messages, and saves nothing', async () => {
    const p = await server.program({ type: 'referral', currency: 'USD' })
    const { v } = await signedInMember(server, p.id, 'owner')
    await v.get('/admin/settings/rewards')
    const before = await settingsOf(p)
    const refused = await v.post('/admin/settings/rewards', {
      ...rows({ value: '20' }, { trigger: 'signup', type: 'percent', value: '5' }, { value: '3', from: '4', to: '2' }), referral_attribution: 'first_click',
    })
    expect(refused.status).toBe(422)
    expect(refused.text).toContain('Nothing was saved')
    expect(refused.text).toMatch(/id="f-type-1-error">A sign-up has no amount to take a percent of: use a static reward\./)
    expect(refused.text).toMatch(/id="f-to-2-error">The to occurrence must be at least the from occurrence\./)
    expect(refused.text).toContain('value="20"')
    const schema = await v.post('/admin/settings/rewards', { ...rows({ value: 'lots' }), referral_attribution: 'first_click' })
    expect(schema.status).toBe(422)
    expect(schema.text).toMatch(/id="f-value-0-error">/)
    const months = await v.post('/admin/settings/rewards', { ...rows({ value: '5', recurrence: 'months', months: 'x' }), referral_attribution: 'first_click' })
    expect(months.status).toBe(422)
    expect(months.text).toContain('id="f-months-0-error">Give the months as a whole number from 1 to 1200.</p>')
    expect(months.text).not.toContain('id="f-recurrence-0-error"')
    expect(await settingsOf(p)).toEqual(before)
  })

  it('previews the rules in the form, saved or not, and saves nothing; a row is added without script', async () => {
    const p = await server.program({ type: 'referral', currency: 'USD' })
    const { v } = await signedInMember(server, p.id, 'viewer')
    await v.get('/admin/settings/rewards')
    const before = await settingsOf(p)
    const fields = { ...rows({ type: 'percent', value: '10', recurrence: 'lifetime' }, { side: 'friend', value: '5' }), referral_attribution: 'last_click' }
    const third = await v.post('/admin/settings/rewards/preview', { ...fields, preview_amount: '250', preview_sales_before: '2', preview_occurrence: '2' })
    expect(third.status).toBe(200)
    expect(third.text).toContain('A 3rd sale of $250.00 by the 2nd friend a customer referred earns the referrer $25.00 and the friend nothing.')
    const signup = await v.post('/admin/settings/rewards/preview', { ...rows({ trigger: 'signup', value: '7' }, { side: 'friend', trigger: 'signup', value: '40', unit: 'points' }), preview_trigger: 'signup' })
    expect(signup.text).toContain('The sign-up of the 1st friend a customer referred earns the referrer $7.00 and the friend 40 points.')
    const bad = await v.post('/admin/settings/rewards/preview', { ...fields, preview_amount: 'much' })
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('No preview: Give an amount')
    const added = await v.post('/admin/settings/rewards/preview', { ...fields, add_row: '1', blank_rows: '1' })
    expect(added.text).toContain('id="f-value-3"')
    expect(added.text).not.toContain('id="f-value-4"')
    expect(await settingsOf(p)).toEqual(before)
  })
})
