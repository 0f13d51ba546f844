/** A failed assertion is a bug in Bulwark, never a user error: stopping beats continuing in a wrong state. */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

/** Checks an invariant; never compiled out (TigerBeetle: assertions stay on in production). */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}
