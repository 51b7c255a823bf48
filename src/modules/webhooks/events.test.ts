// The README's list of webhook events is the one a merchant subscribes from: it must name every
// event a subscription may ask for, and under the right program type.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { WEBHOOK_EVENTS } from './events.js'

const HEADINGS = { affiliate: 'affiliate programs:', referral: 'refer-a-friend programs:', newsletter: 'newsletter programs:' } as const

describe('the README lists every webhook event', () => {
  it('under each program type', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8')
    const section = readme.slice(readme.indexOf('Events by program type'), readme.indexOf('A subscription receives the events'))
    for (const [type, events] of Object.entries(WEBHOOK_EVENTS)) {
      const heading = HEADINGS[type as keyof typeof HEADINGS]
      const from = section.indexOf(heading)
      expect(from, heading).toBeGreaterThanOrEqual(0)
      const rest = section.slice(from + heading.length)
      const item = rest.slice(0, rest.search(/\n\* |\n\n/))
      const listed = [...item.matchAll(/`([a-z_]+\.[a-z_]+)`/g)].map((m) => m[1])
      expect(listed.sort(), type).toEqual([...events].sort())
    }
  })
})
