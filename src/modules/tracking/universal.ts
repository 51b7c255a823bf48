// /js/universal.js: the snippet, minified and gzipped once (on first request, so start-up does not
// pay for the minifier), with an ETag for revalidation.
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { UNIVERSAL_SOURCE } from './universal-source.js'

export interface Script {
  plain: Buffer
  gzipped: Buffer
  etag: string
}

let built: Promise<Script> | undefined

export function universalScript(): Promise<Script> {
  built ??= (async () => {
    const { minify } = await import('terser')
    const { code } = await minify(UNIVERSAL_SOURCE, { compress: true, mangle: true, ecma: 2015 })
    if (!code) throw new Error('the snippet did not minify')
    const plain = Buffer.from(code)
    return { plain, gzipped: gzipSync(plain, { level: 9 }), etag: `"${createHash('sha256').update(plain).digest('base64url').slice(0, 16)}"` }
  })()
  return built
}
