// Partial, case-insensitive search (`:search` endpoints) on both stores.
import { sql } from 'kysely'

/** `%text%`, lower-cased, with LIKE's own wildcards in `text` taken literally. */
export function likePattern(text: string) {
  const escaped = text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)
  return sql<string>`${`%${escaped}%`} escape '\\'`
}
