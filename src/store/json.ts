// JSON columns come back parsed from PostgreSQL (jsonb) and as text from SQLite.
export function readJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T
}

export function writeJson(value: unknown): string {
  return JSON.stringify(value)
}
