/**
 * serde_json's number semantics: how a literal becomes a number, and how a float is written.
 *
 * serde_json (without `float_roundtrip`, as the crates build it) accumulates up to 19-20
 * significant digits in a u64 and scales by one power of ten; that is not always correctly
 * rounded, so it is reproduced step by step (a port of python/.../codec/numbers.py).
 * Floats are written with the shortest round-trip digits in ryu's layout (serde_json <= 1.0.146)
 * or zmij's (1.0.147+: a `+` in positive exponents).
 */

/** A float whose value is integral (`1.0`, `1e16`, `-0.0`): JSON numbers that serde keeps as
 * f64 although a JavaScript number cannot say so. Non-integral floats are plain numbers. */
export class JsonFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
  toJSON(): number {
    return this.value;
  }
}

export const U64_MAX = (1n << 64n) - 1n;
export const I64_MIN = -(1n << 63n);
export const U32_MAX = 0xffffffff;
const U64_DIV10 = U64_MAX / 10n;
const U64_MOD10 = U64_MAX % 10n;
const I32_MAX = 2147483647;
const POW10: number[] = [];
for (let i = 0; i < 309; i++) POW10.push(Number(`1e${i}`));

/** serde refuses a literal whose magnitude is beyond f64 ("number out of range").
 * `consumed`: how many characters of the literal serde had read when it gave up (an exponent
 * past i32 fails at its overflowing digit); null means the whole literal. */
export class NumberOutOfRange extends Error {
  constructor(readonly consumed: number | null = null) {
    super("number out of range");
  }
}

function f64FromParts(positive: boolean, significand: number, exponent: number): number {
  let f = significand;
  for (;;) {
    const idx = Math.abs(exponent);
    if (idx < POW10.length) {
      if (exponent >= 0) {
        f *= POW10[idx]!;
        if (!Number.isFinite(f)) throw new NumberOutOfRange();
      } else {
        f /= POW10[idx]!;
      }
      break;
    }
    if (f === 0) break;
    if (exponent >= 0) throw new NumberOutOfRange();
    f /= 1e308;
    exponent += 308;
  }
  return positive ? f : -f;
}

/** A float as the value kinds of the tree: non-integral → number, integral → JsonFloat. */
export function floatValue(value: number): number | JsonFloat {
  return Number.isInteger(value) ? new JsonFloat(value) : value;
}

/** The value of a well-formed JSON number literal, exactly as serde_json's parser yields it:
 * an integer in u64 (or i64 when negative) stays an integer (number when safe, else bigint);
 * `-0` and every other literal become a float. */
export function parseLiteral(text: string): number | bigint | JsonFloat {
  const positive = text.charCodeAt(0) !== 45;
  const start = positive ? 0 : 1;
  let plain = true;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) {
      plain = false;
      break;
    }
  }
  if (plain) {
    const len = text.length - start;
    if (len <= 15) {
      const v = Number(text);
      if (positive) return v;
      if (v === 0) return new JsonFloat(-0);
      return v;
    }
    const big = BigInt(text);
    if (positive) {
      if (big <= U64_MAX) return Number.isSafeInteger(Number(big)) && BigInt(Number(big)) === big ? Number(big) : big;
    } else if (big === 0n) {
      return new JsonFloat(-0);
    } else if (big >= I64_MIN) {
      const n = Number(big);
      return Number.isSafeInteger(n) && BigInt(n) === big ? n : big;
    } else if (-big <= U64_MAX) {
      return floatValue(Number(big));
    }
  }
  return floatValue(parseFloatLiteral(positive, text.slice(start)));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function parseFloatLiteral(positive: boolean, body: string): number {
  const n = body.length;
  let i = 0;
  while (i < n && isDigit(body.charCodeAt(i))) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < n && body.charCodeAt(i) === 46) {
    i++;
    fracStart = i;
    while (i < n && isDigit(body.charCodeAt(i))) i++;
    fracEnd = i;
  }
  let significand: number;
  let exponent: number;
  const digitCount = intEnd + (fracEnd - fracStart);
  if (digitCount <= 15) {
    // < 10^15 < 2^53: exact in a double, and no u64 overflow can happen.
    significand = digitCount === 0 ? 0 : Number(body.slice(0, intEnd) + body.slice(fracStart, fracEnd));
    exponent = -(fracEnd - fracStart);
  } else {
    let sig = 0n;
    exponent = 0;
    let overflowed = false;
    for (let k = 0; k < intEnd; k++) {
      const d = BigInt(body.charCodeAt(k) - 48);
      if (overflowed) exponent++;
      else if (overflows(sig, d)) {
        overflowed = true;
        exponent++;
      } else sig = sig * 10n + d;
    }
    let skipping = false;
    for (let k = fracStart; k < fracEnd; k++) {
      if (skipping) continue;
      const d = BigInt(body.charCodeAt(k) - 48);
      if (overflows(sig, d)) skipping = true;
      else {
        sig = sig * 10n + d;
        exponent--;
      }
    }
    significand = Number(sig);
  }
  if (i < n && (body.charCodeAt(i) | 32) === 101) {
    i++;
    let positiveExp = true;
    const c = body.charCodeAt(i);
    if (c === 43 || c === 45) {
      positiveExp = c === 43;
      i++;
    }
    let exp = 0;
    const lim = Math.floor(I32_MAX / 10);
    while (i < n) {
      const d = body.charCodeAt(i) - 48;
      if (exp >= lim && (exp > lim || d > I32_MAX % 10)) {
        // serde: parse_exponent_overflow, right after the overflowing digit
        if (significand !== 0 && positiveExp) throw new NumberOutOfRange(i + 1 + (positive ? 0 : 1));
        return positive ? 0 : -0;
      }
      exp = exp * 10 + d;
      i++;
    }
    exponent = saturatingI32(positiveExp ? exponent + exp : exponent - exp);
  }
  return f64FromParts(positive, significand, exponent);
}

function overflows(significand: bigint, digit: bigint): boolean {
  return significand >= U64_DIV10 && (significand > U64_DIV10 || digit > U64_MOD10);
}

function saturatingI32(value: number): number {
  return Math.max(-I32_MAX - 1, Math.min(I32_MAX, value));
}

export const FLOAT_FORMATS = ["ryu", "zmij"] as const;
export type FloatFormat = (typeof FLOAT_FORMATS)[number];

/** Write a finite float the way serde_json does (ryu's layout; `exponentPlus` for zmij). */
export function formatF64(value: number, exponentPlus = false): string {
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  let sign = "";
  if (value < 0) {
    sign = "-";
    value = -value;
  }
  // toExponential() with no argument gives the shortest digits that round-trip.
  const text = value.toExponential();
  const e = text.indexOf("e");
  const mantissa = text.slice(0, e);
  const exp = Number(text.slice(e + 1));
  const digits = mantissa.replace(".", "").replace(/0+$/, "") || "0";
  const length = digits.length;
  const kk = exp + 1; // 10^(kk-1) <= |value| < 10^kk
  const k = kk - length;
  let out: string;
  if (0 <= k && kk <= 16) out = digits + "0".repeat(k) + ".0";
  else if (0 < kk && kk <= 16) out = digits.slice(0, kk) + "." + digits.slice(kk);
  else if (-5 < kk && kk <= 0) out = "0." + "0".repeat(-kk) + digits;
  else {
    const exponent = kk - 1;
    const mark = exponentPlus && exponent >= 0 ? "e+" : "e";
    const m = length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    out = `${m}${mark}${exponent}`;
  }
  return sign + out;
}
