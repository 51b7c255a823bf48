// Routes declare ~100 input schemas and ~1,000 response schemas (a success shape plus the same
// error shape for nine statuses), most of them identical to another route's and most never used by
// a given deployment. Compiling them all up front made start-up slow and memory heavy, so each is
// compiled on first use, once per distinct schema text.

const everyGetter: (() => unknown)[] = []

/** A getter for the compiled form of `schema`, compiling it (or reusing an identical one) on first call. */
export function compiledOnFirstUse<F>(cache: Map<string, F>, schema: unknown, compile: () => F): () => F {
  let compiled: F | undefined
  const getter = () => {
    if (compiled === undefined) {
      const text = JSON.stringify(schema)
      compiled = cache.get(text) ?? compile()
      cache.set(text, compiled)
    }
    return compiled
  }
  everyGetter.push(getter)
  return getter
}

/**
 * Compiles every schema declared so far, as start-up did before: a schema that cannot compile
 * would otherwise show only when its route is first called. The test suite runs it.
 */
export function compileEverySchema(): number {
  for (const getter of everyGetter) getter()
  return everyGetter.length
}
