// Routes declare ~100 input schemas and ~1,000 response schemas (a success shape plus the same
// error shape for nine statuses), most of them identical to another route's and most never used by
// a given deployment. Compiling them all up front made start-up slow and memory heavy, so each is
// compiled on first use, once per distinct schema text.

/** A getter for the compiled form of `schema`, compiling it (or reusing an identical one) on first call. */
export function compiledOnFirstUse<F>(cache: Map<string, F>, schema: unknown, compile: () => F): () => F {
  let compiled: F | undefined
  return () => {
    if (compiled === undefined) {
      const text = JSON.stringify(schema)
      compiled = cache.get(text) ?? compile()
      cache.set(text, compiled)
    }
    return compiled
  }
}
