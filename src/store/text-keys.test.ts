import { describe, expect, it } from 'vitest'
import { storableText } from './text-keys.js'

describe('storableText', () => {
  it('takes any Unicode text, the odd characters included', () => {
    for (const text of ['', 'fuzz-id', 'a b', 'ü€😀', '\uFFFD', '\uFFFF', '\u0001']) expect(storableText(text), JSON.stringify(text)).toBe(true)
  })

  it('refuses what PostgreSQL cannot hold: a NUL anywhere, a lone surrogate', () => {
    for (const text of ['\u0000', 'a\u0000b', 'fuzz-id\u0000', '\uD800', 'a\uDC00', '😀'.slice(0, 1)]) expect(storableText(text), JSON.stringify(text)).toBe(false)
  })
})
