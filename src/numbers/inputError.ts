/**
 * A rejected input: a stable machine code, a sentence for people, and the path of the offending field
 * (`account.positions[0].qty`). Expected, so a value rather than an exception.
 */
export interface InputError {
  readonly code: string;
  readonly message: string;
  readonly path: string;
}

export function inputError(code: string, message: string, path: string): InputError {
  return { code, message, path };
}

/** `base.key`, or `key` at the root. */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}
