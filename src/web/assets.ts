// The stylesheet and script the pages link to, served under names that carry a hash of their
// content, so browsers may keep them for a year and a new release is fetched at once.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'

interface Asset {
  url: string
  type: string
  body: Buffer
}

const TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' }
const FILES = ['portal.css', 'portal.js'] as const
export type AssetName = (typeof FILES)[number]

function load(name: AssetName): Asset {
  const body = readFileSync(new URL(`./assets/${name}`, import.meta.url))
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12)
  const [stem, ext] = name.split('.') as [string, string]
  return { url: `/assets/${stem}.${hash}.${ext}`, type: TYPES[ext] as string, body }
}

const assets = new Map(FILES.map((name) => [name, load(name)]))

export function assetUrl(name: AssetName): string {
  return (assets.get(name) as Asset).url
}

export function assetRoutes(app: FastifyInstance) {
  for (const asset of assets.values()) {
    app.get(asset.url, { config: { public: true, web: true }, schema: { hide: true } }, async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=31536000, immutable').type(asset.type)
      return asset.body
    })
  }
}
