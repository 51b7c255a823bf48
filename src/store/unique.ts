// Both drivers report a broken unique index in their own words; services ask one question.
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  return code === '23505' /* PostgreSQL */ || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

/**
 * Two requests racing for one unique value: the index decides, and the loser gets a 422 naming the
 * field, as if its check had seen the winner. `fieldOf` reads the field from the driver's message.
 */
export async function withUniqueIndex<T>(work: () => Promise<T>, fieldOf: (message: string) => string, taken: (field: string) => Error): Promise<T> {
  try {
    return await work()
  } catch (err) {
    if (!isUniqueViolation(err)) throw err
    throw taken(fieldOf(String((err as Error).message)))
  }
}
