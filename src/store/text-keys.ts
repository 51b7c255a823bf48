// Text the store cannot hold: U+0000, which PostgreSQL refuses in any text (the statement fails:
// `invalid byte sequence for encoding "UTF8": 0x00`), and lone UTF-16 surrogates, which have no
// UTF-8 form (the driver would send U+FFFD instead and could match another key). Input refuses both
// (http/input.ts), so no stored key holds one. A look-up by such a key (a path id: `/v1/partners/a%00b`)
// therefore finds nothing, and says so without asking the store: the same answer on SQLite and
// PostgreSQL, and the same as for any other key that names nothing.

/** Whether the store can hold (and so compare) this text. */
export function storableText(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed()
}
