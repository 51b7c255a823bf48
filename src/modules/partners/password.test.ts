import { describe, expect, it } from 'vitest'
import { generatedPassword, hashPassword, isStrongEnough, verifyPassword } from './password.js'

describe('partner passwords', () => {
  it('hash with a random salt and verify only the right password', async () => {
    const first = await hashPassword('Corr3ctHorse')
    const second = await hashPassword('Corr3ctHorse')
    expect(first).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
    expect(first).not.toBe(second)
    expect(await verifyPassword('Corr3ctHorse', first)).toBe(true)
    expect(await verifyPassword('corr3ctHorse', first)).toBe(false)
    expect(await verifyPassword('Corr3ctHorse', 'plain')).toBe(false)
  })

  it('generate passwords that pass their own rule', () => {
    for (let i = 0; i < 50; i++) expect(isStrongEnough(generatedPassword())).toBe(true)
  })
})
