/**
 * An exact emulation of serde_json's parser (`serde_json::from_str`), written for this package
 * (a port of python/.../codec/jsonparse.py). It accepts exactly what serde_json accepts and
 * fails where it fails, with serde's error text and serde's line/column (column in UTF-8
 * bytes). A general tokenizer (jsonc-parser's scanner, JSON.parse) cannot do this: they do not
 * keep `1.0` apart from `1`, read floats correctly rounded (serde does not), keep integers
 * beyond 2^53, report duplicate keys, or stop at serde's depth limit with serde's positions.
 *
 * Objects become {@link JsonObject} (a Map: last duplicate wins, repeated keys remembered);
 * numbers follow {@link parseLiteral}.
 */
import { JsonFloat, NumberOutOfRange, formatF64, parseLiteral } from "./numbers.js";

/** A parsed JSON value. Integers: number (safe) or bigint; floats: number (non-integral) or
 * JsonFloat (integral, e.g. `1.0`). */
export type JsonValue = null | boolean | string | number | bigint | JsonFloat | JsonValue[] | JsonObject | PlainObject;

/** An object as JSON.parse makes it (the fast path: no repeated keys, no integer-like keys). */
export interface PlainObject {
  [key: string]: JsonValue;
}

export type Obj = JsonObject | PlainObject;

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** A JSON object of either representation. */
export function isObj(v: unknown): v is Obj {
  return v instanceof JsonObject || (typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof JsonFloat));
}
export function objHas(o: Obj, k: string): boolean {
  return o instanceof JsonObject ? o.has(k) : hasOwn(o, k);
}
export function objGet(o: Obj, k: string): JsonValue | undefined {
  return o instanceof JsonObject ? o.get(k) : hasOwn(o, k) ? o[k] : undefined;
}
export function objKeys(o: Obj): readonly string[] {
  return o instanceof JsonObject ? o.keys() : Object.keys(o);
}
export function objSize(o: Obj): number {
  return o instanceof JsonObject ? o.size : Object.keys(o).length;
}
export function objDups(o: Obj): string[] | null {
  return o instanceof JsonObject ? o.dups : null;
}
/** The only entry of a one-key object. */
export function objOnly(o: Obj): [string, JsonValue] {
  const k = objKeys(o)[0]!;
  return [k, objGet(o, k)!];
}
/** A copy without `keys` (same representation). */
export function objWithout(o: Obj, keys: readonly string[]): Obj {
  if (o instanceof JsonObject) {
    const rest = new JsonObject(o);
    rest.dups = o.dups;
    for (const k of keys) rest.delete(k);
    return rest;
  }
  const rest: PlainObject = {};
  for (const k of Object.keys(o)) if (!keys.includes(k)) Object.defineProperty(rest, k, { value: o[k], enumerable: true, writable: true, configurable: true });
  return rest;
}

/**
 * A JSON object in input order; `dups` lists keys that were repeated (the object holds the last
 * value, in the first one's place, as serde_json::Value does). A Map-like API over two arrays:
 * cheaper than a Map for the small objects of a conversation (an index is built past 16 keys).
 */
export class JsonObject {
  /** Keys and values interleaved: one array per object (less for the collector to trace). */
  private readonly kv: Array<string | JsonValue>;
  private index: Map<string, number> | null = null;
  dups: string[] | null = null;

  constructor(copy?: JsonObject) {
    this.kv = copy ? copy.kv.slice() : [];
  }

  private find(key: string): number {
    const kv = this.kv;
    if (kv.length <= 32) {
      for (let i = 0; i < kv.length; i += 2) if (kv[i] === key) return i;
      return -1;
    }
    if (this.index === null) {
      this.index = new Map();
      for (let i = 0; i < kv.length; i += 2) this.index.set(kv[i] as string, i);
    }
    return this.index.get(key) ?? -1;
  }

  get size(): number {
    return this.kv.length >> 1;
  }
  has(key: string): boolean {
    return this.find(key) !== -1;
  }
  get(key: string): JsonValue | undefined {
    const i = this.find(key);
    return i === -1 ? undefined : (this.kv[i + 1] as JsonValue);
  }
  /** Set a key; returns false when the key was already there (a repeated key). */
  set(key: string, value: JsonValue): boolean {
    const i = this.find(key);
    if (i !== -1) {
      this.kv[i + 1] = value;
      return false;
    }
    this.kv.push(key, value);
    if (this.index !== null) this.index.set(key, this.kv.length - 2);
    return true;
  }
  delete(key: string): void {
    const i = this.find(key);
    if (i === -1) return;
    this.kv.splice(i, 2);
    this.index = null;
  }
  keys(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.kv.length; i += 2) out.push(this.kv[i] as string);
    return out;
  }
  /** The i-th key and value (insertion order). */
  keyAt(i: number): string {
    return this.kv[2 * i] as string;
  }
  valueAt(i: number): JsonValue {
    return this.kv[2 * i + 1] as JsonValue;
  }
  entries(): Array<[string, JsonValue]> {
    const out: Array<[string, JsonValue]> = [];
    for (let i = 0; i < this.kv.length; i += 2) out.push([this.kv[i] as string, this.kv[i + 1] as JsonValue]);
    return out;
  }
  [Symbol.iterator](): IterableIterator<[string, JsonValue]> {
    return this.entries()[Symbol.iterator]();
  }
}

export type PathPart = string | number;

export const RECURSION_LIMIT = 128; // serde_json's remaining_depth: the 128th container fails

/** serde_json refused the text; `offset` is serde's error index (UTF-16 units into the text). */
export class JsonSyntaxError extends Error {
  readonly code: string;
  readonly offset: number;
  readonly extraBytes: number;
  path: PathPart[] | null = null;
  element: number | null = null;
  constructor(code: string, offset: number, extraBytes = 0) {
    super(code);
    this.code = code;
    this.offset = offset;
    this.extraBytes = extraBytes;
  }
  lineColumn(text: string): [number, number] {
    const [line, column] = position(text, this.offset);
    return [line, column + this.extraBytes];
  }
}

/** UTF-8 length of text[start:end] (a lone surrogate counts 3 bytes, as surrogatepass). */
export function utf8Length(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** serde_json's (line, column) for an index: column counts UTF-8 bytes before it on its line. */
export function position(text: string, offset: number): [number, number] {
  offset = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return [line, utf8Length(text, start, offset)];
}

const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Recursive-descent parser mirroring serde_json's control flow and error positions. */
export class Parser {
  readonly text: string;
  readonly n: number;
  depth = RECURSION_LIMIT;
  /** Start offset of every value by JSON.stringify(path), when recording. */
  positions: Map<string, number> | null = null;
  element: number | null = null;
  /** The top-level elements completed so far, and their spans (kept on a syntax error). */
  readonly partial: JsonValue[] = [];
  readonly partialSpans: Array<[number, number]> = [];
  /** Where the last value parsed ended. */
  pos = 0;
  /** Exponents seen in float literals: `e+16` (zmij writes it) and `e16` (ryu writes it). */
  exponentPlus = false;
  exponentBare = false;
  private stack: PathPart[] = [];

  constructor(text: string) {
    this.text = text;
    this.n = text.length;
  }

  ws(i: number): number {
    const t = this.text;
    while (i < this.n && isWs(t.charCodeAt(i))) i++;
    return i;
  }

  fail(code: string, offset: number): JsonSyntaxError {
    const err = new JsonSyntaxError(code, offset);
    err.path = this.stack.slice();
    err.element = this.element;
    return err;
  }

  /** An error one byte past the character at `i` (serde's peek_error, or its error right after
   * next_char): serde reads bytes, so a multi-byte character counts its first byte only. */
  peekFail(code: string, i: number): JsonSyntaxError {
    if (i < this.n && this.text.charCodeAt(i) >= 0x80) {
      const err = new JsonSyntaxError(code, i, 1);
      err.path = this.stack.slice();
      err.element = this.element;
      return err;
    }
    return this.fail(code, Math.min(this.n, i + 1));
  }

  /** The whole text as serde parses `Vec<T>`: the items and each item's [start, end). */
  parseDocument(): { items: JsonValue[]; spans: Array<[number, number]> } {
    const text = this.text;
    const i0 = this.ws(0);
    if (i0 >= this.n) throw this.peekFail("EOF while parsing a value", i0);
    if (text.charCodeAt(i0) !== 91) throw this.invalidType(i0, "a sequence");
    const spans = this.partialSpans;
    const items = this.arr(i0, spans, this.partial);
    const i = this.ws(this.pos);
    if (i < this.n) throw this.peekFail("trailing characters", i);
    return { items, spans };
  }

  /** One value of any type filling the whole text. */
  parseValue(): JsonValue {
    let i = this.ws(0);
    if (i >= this.n) throw this.peekFail("EOF while parsing a value", i);
    const value = this.value(i);
    i = this.ws(this.pos);
    if (i < this.n) throw this.peekFail("trailing characters", i);
    return value;
  }

  private invalidType(i: number, expected: string): JsonSyntaxError {
    const c = this.text[i]!;
    if (c === "{") return this.fail(`invalid type: map, expected ${expected}`, i);
    if ('ntf-0123456789"'.includes(c)) {
      let value: JsonValue;
      try {
        value = this.value(i);
      } catch (err) {
        if (err instanceof JsonSyntaxError) return err;
        throw err;
      }
      let what: string;
      if (value === null) what = "null";
      else if (typeof value === "boolean") what = `boolean \`${value}\``;
      else if (typeof value === "string") what = `string ${rustDebugStr(value)}`;
      else if (typeof value === "number" && !Number.isInteger(value)) what = `floating point \`${formatF64(value)}\``;
      else if (value instanceof JsonFloat) what = `floating point \`${formatF64(value.value)}\``;
      else what = `integer \`${String(value)}\``;
      return this.fail(`invalid type: ${what}, expected ${expected}`, this.pos);
    }
    return this.peekFail("expected value", i);
  }

  private enter(i: number): void {
    this.depth -= 1;
    if (this.depth === 0) throw this.peekFail("recursion limit exceeded", i);
  }

  /** Parse one value at `i` (whitespace skipped); its end is left in `pos`. */
  value(i: number): JsonValue {
    const text = this.text;
    if (this.positions !== null) this.positions.set(JSON.stringify(this.stack), i);
    const c = text.charCodeAt(i);
    if (c === 34) return this.string(i + 1);
    if (c === 123) return this.obj(i);
    if (c === 91) return this.arr(i, null);
    if (c === 45 || isDigit(c)) return this.number(i);
    if (c === 110) {
      this.pos = this.ident(i, "null");
      return null;
    }
    if (c === 116) {
      this.pos = this.ident(i, "true");
      return true;
    }
    if (c === 102) {
      this.pos = this.ident(i, "false");
      return false;
    }
    throw this.peekFail("expected value", i);
  }

  private ident(i: number, word: string): number {
    const text = this.text;
    for (let k = 1; k < word.length; k++) {
      const j = i + k;
      if (j >= this.n) throw this.fail("EOF while parsing a value", this.n);
      if (text[j] !== word[k]) throw this.peekFail("expected ident", j);
    }
    return i + word.length;
  }

  private number(i: number): JsonValue {
    const text = this.text;
    const n = this.n;
    let j = i;
    if (text.charCodeAt(j) === 45) j++;
    if (j >= n) throw this.numberError(i);
    const first = text.charCodeAt(j);
    if (first === 48) {
      j++;
      if (j < n && isDigit(text.charCodeAt(j))) throw this.numberError(i);
    } else if (first >= 49 && first <= 57) {
      j++;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
    } else throw this.numberError(i);
    let c = j < n ? text.charCodeAt(j) : -1;
    if (c === 46) {
      j++;
      if (j >= n || !isDigit(text.charCodeAt(j))) throw this.numberError(i);
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      c = j < n ? text.charCodeAt(j) : -1;
    }
    if (c === 101 || c === 69) {
      let k = j + 1;
      const s = k < n ? text.charCodeAt(k) : -1;
      if (s === 43) this.exponentPlus = true;
      else if (s !== 45) this.exponentBare = true;
      if (s === 43 || s === 45) k++;
      if (k >= n || !isDigit(text.charCodeAt(k))) throw this.numberError(i);
      while (k < n && isDigit(text.charCodeAt(k))) k++;
      j = k;
    }
    try {
      const value = parseLiteral(text.slice(i, j));
      this.pos = j;
      return value;
    } catch (err) {
      if (err instanceof NumberOutOfRange) throw this.fail("number out of range", err.consumed === null ? j : i + err.consumed);
      throw err;
    }
  }

  /** Walk a malformed number exactly as serde does to find its error and position. */
  private numberError(i: number): JsonSyntaxError {
    const text = this.text;
    const n = this.n;
    let j = i;
    if (text[j] === "-") j++;
    if (j >= n) return this.fail("EOF while parsing a value", n);
    const c = text.charCodeAt(j);
    j++;
    if (c === 48) {
      if (j < n && isDigit(text.charCodeAt(j))) return this.peekFail("invalid number", j);
    } else if (!(c >= 49 && c <= 57)) {
      return this.peekFail("invalid number", j - 1);
    } else {
      while (j < n && isDigit(text.charCodeAt(j))) j++;
    }
    if (j < n && text[j] === ".") {
      j++;
      if (j >= n) return this.peekFail("EOF while parsing a value", j);
      if (!isDigit(text.charCodeAt(j))) return this.peekFail("invalid number", j);
      while (j < n && isDigit(text.charCodeAt(j))) j++;
    }
    if (j < n && (text[j] === "e" || text[j] === "E")) {
      j++;
      if (j < n && (text[j] === "+" || text[j] === "-")) j++;
      if (j >= n) return this.fail("EOF while parsing a value", n);
      if (!isDigit(text.charCodeAt(j))) return this.peekFail("invalid number", j);
    }
    return this.fail("invalid number", j);
  }

  /** A string body starting after the opening quote; its end is left in `pos`. */
  private string(i: number): string {
    const text = this.text;
    const n = this.n;
    let j = i;
    for (;;) {
      if (j >= n) break;
      const c = text.charCodeAt(j);
      if (c === 34) {
        this.pos = j + 1;
        return text.slice(i, j);
      }
      if (c === 92 || c < 0x20) break;
      j++;
    }
    let out = text.slice(i, j);
    for (;;) {
      if (j >= n) throw this.fail("EOF while parsing a string", n);
      const c = text.charCodeAt(j);
      if (c === 34) {
        this.pos = j + 1;
        return out;
      }
      if (c === 92) {
        const [piece, next] = this.escape(j + 1);
        out += piece;
        j = next;
        continue;
      }
      if (c < 0x20) throw this.fail("control character (\\u0000-\\u001F) found while parsing a string", j + 1);
      const start = j;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 34 || d === 92 || d < 0x20) break;
        j++;
      }
      out += text.slice(start, j);
    }
  }

  private escape(i: number): [string, number] {
    const text = this.text;
    const n = this.n;
    if (i >= n) throw this.fail("EOF while parsing a string", n);
    const c = text[i]!;
    const simple = ESCAPES[c];
    if (simple !== undefined) return [simple, i + 1];
    if (c !== "u") throw this.peekFail("invalid escape", i);
    let code: number;
    [code, i] = this.hex4(i + 1);
    if (code >= 0xdc00 && code <= 0xdfff) throw this.fail("lone leading surrogate in hex escape", i);
    if (code < 0xd800 || code > 0xdbff) return [String.fromCharCode(code), i];
    if (i >= n) throw this.fail("EOF while parsing a string", n);
    if (text[i] !== "\\") throw this.peekFail("unexpected end of hex escape", i);
    i++;
    if (i >= n) throw this.fail("EOF while parsing a string", n);
    if (text[i] !== "u") throw this.peekFail("unexpected end of hex escape", i);
    let low: number;
    [low, i] = this.hex4(i + 1);
    if (!(low >= 0xdc00 && low <= 0xdfff)) throw this.fail("lone leading surrogate in hex escape", i);
    return [String.fromCharCode(code, low), i];
  }

  /** serde reads four *bytes*; a multi-byte character inside makes the escape invalid. */
  private hex4(i: number): [number, number] {
    const text = this.text;
    // the next (up to) four code points
    let j = i;
    let points = 0;
    let bytes = 0;
    while (j < this.n && points < 4) {
      const c = text.charCodeAt(j);
      if (c >= 0xd800 && c <= 0xdbff && j + 1 < this.n) {
        const d = text.charCodeAt(j + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          j += 2;
          bytes += 4;
          points++;
          continue;
        }
      }
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
      j++;
      points++;
    }
    if (bytes < 4 && j >= this.n) throw this.fail("EOF while parsing a string", this.n);
    const raw = text.slice(i, j);
    if (!/^[0-9a-fA-F]{4}$/.test(raw)) {
      const err = new JsonSyntaxError("invalid escape", this.afterBytes(i, 4));
      err.path = this.stack.slice();
      err.element = this.element;
      throw err;
    }
    return [parseInt(raw, 16), i + 4];
  }

  private afterBytes(i: number, nbytes: number): number {
    let count = 0;
    let j = i;
    const text = this.text;
    while (j < this.n && count < nbytes) {
      const c = text.charCodeAt(j);
      if (c >= 0xd800 && c <= 0xdbff && j + 1 < this.n) {
        const d = text.charCodeAt(j + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          count += 4;
          j += 2;
          continue;
        }
      }
      count += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
      j++;
    }
    return j;
  }

  /** An array; with `spans` (the top level) each element's [start, end) is recorded. */
  arr(i: number, spans: Array<[number, number]> | null, out: JsonValue[] = []): JsonValue[] {
    const text = this.text;
    this.enter(i);
    i++;
    let first = true;
    const stack = this.stack;
    for (;;) {
      i = this.ws(i);
      if (i >= this.n) throw this.peekFail("EOF while parsing a list", i);
      const c = text.charCodeAt(i);
      if (c === 93) {
        this.depth += 1;
        this.pos = i + 1;
        return out;
      }
      if (c === 44) {
        if (first) throw this.peekFail("expected value", i);
        i = this.ws(i + 1);
        if (i >= this.n) throw this.peekFail("EOF while parsing a value", i);
        if (text.charCodeAt(i) === 93) throw this.peekFail("trailing comma", i);
      } else if (!first) {
        throw this.peekFail("expected `,` or `]`", i);
      }
      first = false;
      stack.push(out.length);
      let value: JsonValue;
      if (spans === null) {
        value = this.value(i);
        i = this.pos;
      } else {
        const start = i;
        this.element = out.length;
        value = this.value(i);
        i = this.pos;
        this.element = null;
        spans.push([start, i]);
      }
      stack.pop();
      out.push(value);
    }
  }

  private obj(i: number): JsonObject {
    const text = this.text;
    this.enter(i);
    i++;
    const out = new JsonObject();
    let first = true;
    const stack = this.stack;
    for (;;) {
      i = this.ws(i);
      if (i >= this.n) throw this.peekFail("EOF while parsing an object", i);
      let c = text.charCodeAt(i);
      if (c === 125) {
        this.depth += 1;
        this.pos = i + 1;
        return out;
      }
      if (c === 44) {
        if (first) throw this.peekFail("key must be a string", i);
        i = this.ws(i + 1);
        if (i >= this.n) throw this.peekFail("EOF while parsing a value", i);
        c = text.charCodeAt(i);
        if (c === 125) throw this.peekFail("trailing comma", i);
      } else if (!first) {
        throw this.peekFail("expected `,` or `}`", i);
      }
      first = false;
      if (c !== 34) throw this.peekFail("key must be a string", i);
      const key = this.string(i + 1);
      i = this.ws(this.pos);
      if (i >= this.n) throw this.peekFail("EOF while parsing an object", i);
      if (text.charCodeAt(i) !== 58) throw this.peekFail("expected `:`", i);
      i = this.ws(i + 1);
      if (i >= this.n) throw this.peekFail("EOF while parsing a value", i);
      stack.push(key);
      const value = this.value(i);
      i = this.pos;
      stack.pop();
      if (!out.set(key, value)) (out.dups ??= []).push(key);
    }
  }
}

/** Rust's `{:?}` rendering of a string, as serde uses it in `invalid type` messages. */
export function rustDebugStr(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\0") out += "\\0";
    else if (cp < 0x20 || cp === 0x7f) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}

/** Start offsets of every value inside the value at `start`, keyed by JSON.stringify(path). */
export function valuePositions(text: string, start: number, base: PathPart[]): Map<string, number> {
  const parser = new Parser(text);
  parser.positions = new Map();
  parser.depth = 1 << 30;
  (parser as unknown as { stack: PathPart[] }).stack = base.slice();
  parser.value(start);
  return parser.positions;
}
