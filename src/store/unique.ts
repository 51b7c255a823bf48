// Both drivers report a broken unique index in their own words; services ask one question.
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  return code === '23505' /* PostgreSQL */ || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}
