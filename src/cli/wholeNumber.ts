/**
 * A command-line option's whole number, at least `min` and, when given, at most `max` (decimal digits only: no
 * sign, exponent or fraction), or the message saying what is wrong, naming the option and the text given. Each
 * command turns the message into its own error.
 */
export function wholeNumberOption(
  option: string,
  text: string,
  min: number,
  max?: number,
): number | { readonly error: string } {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(value))
    return { error: `--${option}: ${JSON.stringify(text)} is not a whole number` };
  if (max === undefined) return value < min ? { error: `--${option}: ${value} is less than ${min}` } : value;
  return value < min || value > max ? { error: `--${option}: ${value} is not in [${min}, ${max}]` } : value;
}
