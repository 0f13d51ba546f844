/**
 * Plain objects for the hot paths, made by `new` instead of written as object or array literals.
 *
 * V8 records an allocation site for every object and array literal. When it sees a site's objects survive, it may
 * start allocating that site's objects straight into the old generation ("pretenuring"); in the runs traced here it
 * did not undo that. The engine's per-command objects (events, their array, the apply result) die young, but the
 * heuristic can misjudge them. In a process holding large typed arrays it did, in most runs (what triggers it was
 * not established). Once the fill's events were pretenured, every fill put them in the old generation, and through
 * them kept the young bigints they point to alive through every scavenge. The result was 2.5× fewer fills/s and an
 * old generation that grew until the next full collection (bench/pretenuringCliff.ts; docs/engine.md, "Running the
 * engine"). Objects made by `new` have no allocation site, so this cannot happen to them.
 *
 * `plainConstructor` turns an initialiser into such a constructor. Its objects have `Object.prototype` as their
 * prototype, as a literal's do, so they are plain objects to every reader: `deepStrictEqual`, JSON, the
 * canonical JSON of disclosures, spreading. Assign every field in the initialiser, in one fixed order, so
 * that all the objects share one shape.
 */
/** `T` with its fields writable: what an initialiser sets (`this`). */
export type Fields<T> = { -readonly [K in keyof T]: T[K] };

export function plainConstructor<A extends unknown[], T extends object>(
  initialiser: (this: Fields<T>, ...args: A) => void,
): new (...args: A) => T {
  // A function's `prototype` is what `new` gives its objects; a `function` expression's may be replaced.
  (initialiser as unknown as { prototype: object }).prototype = Object.prototype;
  return initialiser as unknown as new (...args: A) => T;
}

/** An empty array whose elements may be any value (its elements kind is set once, here), to copy. */
const EMPTY_OBJECT_ARRAY: unknown[] = [undefined];
EMPTY_OBJECT_ARRAY.pop();

/**
 * A new array holding `first`, made without an array literal (see above): a copy of an empty array by `slice`,
 * which allocates young and, copying an array that already holds any value, needs no elements-kind transition
 * when objects are pushed. (`Array.of` also has no allocation site, but builds its array through the generic
 * property path: ~1,500 instructions a call.)
 */
export function arrayOf<T>(first: T): T[] {
  const array = EMPTY_OBJECT_ARRAY.slice() as T[];
  array.push(first);
  return array;
}
