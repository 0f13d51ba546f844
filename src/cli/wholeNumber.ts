/**
 * A command-line option's whole number from `min` to `max` (decimal digits only: no sign, exponent or fraction),
 * or the message saying what is wrong, naming the option and the text given. Each command turns the message
 * into its own error.
 */
export function wholeNumberOption(
  option: string,
  text: string,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
): number | { readonly error: string } {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(value))
    return { error: `--${option}: ${JSON.stringify(text)} is not a whole number` };
  if (value < min || value > max) return { error: `--${option}: ${value} is not in [${min}, ${max}]` };
  return value;
}
