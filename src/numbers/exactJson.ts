import { err, ok, type Result } from './result.js';

/**
 * JSON whose numbers keep their source text, so `0.1` stays the decimal 0.1 and `9007199254740993` is not
 * silently changed by a float64 round trip. Strings and the other JSON values are ordinary.
 */
export type ExactJson = null | boolean | string | JsonNumber | ExactJson[] | { [key: string]: ExactJson };

/** A JSON number as written in the source. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** Bounds on what the reader accepts: nesting depth and input size (UTF-16 code units, as JavaScript counts). */
export const MAX_JSON_DEPTH = 64;
export const MAX_JSON_CHARS = 64 * 1024 * 1024;

export interface JsonSyntaxError {
  readonly message: string;
  readonly offset: number;
}

/** Parses RFC 8259 JSON strictly (no comments, trailing commas or duplicate keys), keeping number text. */
export function parseExactJson(text: string): Result<ExactJson, JsonSyntaxError> {
  if (text.length > MAX_JSON_CHARS) return err({ message: 'input too large', offset: 0 });
  const reader = new Reader(text);
  try {
    reader.skipSpace();
    const value = reader.value(0);
    reader.skipSpace();
    if (reader.offset !== text.length) reader.fail('unexpected text after the JSON value');
    return ok(value);
  } catch (error) {
    if (error instanceof SyntaxFailure) return err({ message: error.message, offset: error.offset });
    throw error;
  }
}

class SyntaxFailure extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const NUMBER_PATTERN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Reader {
  offset = 0;
  constructor(private readonly text: string) {}

  fail(message: string): never {
    throw new SyntaxFailure(`${message} at offset ${this.offset}`, this.offset);
  }

  skipSpace(): void {
    const text = this.text;
    while (this.offset < text.length) {
      const c = text.charCodeAt(this.offset);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.offset++;
    }
  }

  /** `depth` counts the containers around this value; a container at depth MAX_JSON_DEPTH would be one too many. */
  value(depth: number): ExactJson {
    const c = this.text[this.offset];
    if ((c === '{' || c === '[') && depth >= MAX_JSON_DEPTH)
      this.fail(`nesting deeper than ${MAX_JSON_DEPTH}`);
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        return this.number();
    }
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.offset)) this.fail('unexpected token');
    this.offset += word.length;
    return value;
  }

  private number(): JsonNumber {
    NUMBER_PATTERN.lastIndex = this.offset;
    const match = NUMBER_PATTERN.exec(this.text);
    if (match === null)
      this.fail(this.offset >= this.text.length ? 'unexpected end of input' : 'unexpected token');
    this.offset += match[0].length;
    return new JsonNumber(match[0]);
  }

  private string(): string {
    const text = this.text;
    this.offset++; // opening quote
    let out = '';
    let start = this.offset;
    for (;;) {
      if (this.offset >= text.length) this.fail('unterminated string');
      const c = text.charCodeAt(this.offset);
      if (c === 0x22) {
        out += text.slice(start, this.offset);
        this.offset++;
        return out;
      }
      if (c < 0x20) this.fail('control character in string');
      if (c === 0x5c) {
        out += text.slice(start, this.offset);
        const escape = text[this.offset + 1] ?? '';
        if (escape === 'u') {
          const hex = text.slice(this.offset + 2, this.offset + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad unicode escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.offset += 6;
        } else {
          const replacement = ESCAPES[escape];
          if (replacement === undefined) this.fail('bad escape');
          out += replacement;
          this.offset += 2;
        }
        start = this.offset;
        continue;
      }
      this.offset++;
    }
  }

  private array(depth: number): ExactJson[] {
    this.offset++;
    const items: ExactJson[] = [];
    this.skipSpace();
    if (this.text[this.offset] === ']') {
      this.offset++;
      return items;
    }
    for (;;) {
      this.skipSpace();
      items.push(this.value(depth + 1));
      this.skipSpace();
      const c = this.text[this.offset];
      this.offset++;
      if (c === ']') return items;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }

  private object(depth: number): Record<string, ExactJson> {
    this.offset++;
    // A null-prototype object: keys such as "__proto__" are plain data.
    const result = Object.create(null) as Record<string, ExactJson>;
    this.skipSpace();
    if (this.text[this.offset] === '}') {
      this.offset++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.offset] !== '"') this.fail('expected a string key');
      const key = this.string();
      if (Object.prototype.hasOwnProperty.call(result, key)) this.fail(`duplicate key "${key}"`);
      this.skipSpace();
      if (this.text[this.offset] !== ':') this.fail("expected ':'");
      this.offset++;
      this.skipSpace();
      result[key] = this.value(depth + 1);
      this.skipSpace();
      const c = this.text[this.offset];
      this.offset++;
      if (c === '}') return result;
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }
}
