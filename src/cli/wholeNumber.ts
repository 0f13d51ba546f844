import { InvalidArgumentError } from 'commander';

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

/**
 * A commander option parser for a whole number (`wholeNumberOption`, at least 0; the command checks its own range):
 * "12abc", "-1" and "1e3" are refused with commander's error, exit status 2, rather than read as 12, -1 and 1.
 */
export function wholeNumberParser(option: string): (text: string) => number {
  return (text) => {
    const value = wholeNumberOption(option, text, 0);
    if (typeof value !== 'number') throw new InvalidArgumentError(value.error);
    return value;
  };
}
