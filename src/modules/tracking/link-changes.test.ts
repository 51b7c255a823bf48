// Clicks follow changes made outside this process (another process, the CLI, the store edited by
// hand) within moments: the store counts every change to what a key leads to (migration 0011) and
// the link cache forgets what it remembered when the count moves (link-cache.ts). The changes here
// are made straight in the store, so no API request of this process tells the cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../../test/support/server.js'
import { makePartner } from '../../../test/support/partners.js'
import { click, partnerClicks, visitor } from '../../../test/support/visits.js'
import { CHANGES_CHECK_MS, LINK_TTL_MS } from './link-cache.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

/**
 * Longer than the cache waits between two reads of the change count, far shorter than it keeps an
 * entry: each test below would fail if a change waited for the entry to expire. This wait is the
 * behaviour under test (the server re-reads the count once CHANGES_CHECK_MS have passed on its own
 * clock, which it does not let a test set), not a stand-in for a condition the test could watch.
 */
const moments = () => new Promise((resolve) => setTimeout(resolve, CHANGES_CHECK_MS * 3))
if (CHANGES_CHECK_MS * 3 >= LINK_TTL_MS) throw new Error('these tests need changes checked far more often than entries expire')

describe('changes made outside this process', () => {
  it('a key given to a link reaches clicks within moments, though the key was remembered as unknown', async () => {
    const p = await server.program({ website: 'https://outside1.example.com' })
    const partner = await makePartner(server, p.key, { key: 'dana_ref' })
    const before = await click(server, '/r/dana_new', { host: 'outside1.example.com' })
    expect(before.headers.location).toBe('https://outside1.example.com/')
    await server.store.db.updateTable('referral_links').set({ key: 'dana_new' }).where('program_id', '=', p.id).where('key', '=', 'dana_ref').execute()
    await moments()
    const after = await click(server, '/r/dana_new', { host: 'outside1.example.com' })
    expect(after.headers.location).toBe('https://outside1.example.com/?aff=dana_new')
    expect(await partnerClicks(server, p.key, partner.id)).toBe(1)
  })

  it('a partner no longer active stops earning clicks within moments', async () => {
    const p = await server.program({ website: 'https://outside2.example.com' })
    const partner = await makePartner(server, p.key, { key: 'eli_ref' })
    await click(server, '/r/eli_ref', { 'user-agent': visitor(1) })
    expect(await partnerClicks(server, p.key, partner.id)).toBe(1)
    await server.store.db.updateTable('partners').set({ status: 'rejected' }).where('program_id', '=', p.id).execute()
    await moments()
    await click(server, '/r/eli_ref', { 'user-agent': visitor(2) })
    expect(await partnerClicks(server, p.key, partner.id)).toBe(1)
  })

  it('a link deleted is no longer followed within moments', async () => {
    const p = await server.program({ website: 'https://outside3.example.com' })
    await makePartner(server, p.key, { key: 'fay_ref' })
    expect((await click(server, '/r/fay_ref')).headers.location).toBe('https://outside3.example.com/?aff=fay_ref')
    await server.store.db.deleteFrom('referral_links').where('program_id', '=', p.id).execute()
    await moments()
    expect((await click(server, '/r/fay_ref', { host: 'outside3.example.com' })).headers.location).toBe('https://outside3.example.com/')
  })
})
