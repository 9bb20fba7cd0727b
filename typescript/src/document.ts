/** Reading a whole saved conversation: exact parse, dialect readers, problems with positions. */
import { ConversationError, type Problem, type ProblemKind, problem } from "./errors.js";
import { JsonSyntaxError, type JsonValue, Parser, isObj, objGet, objKeys, position, valuePositions } from "./json.js";
import { type Note, type Path, type Rec, Reader, Reject } from "./reader.js";
import { type DialectName, type Spec, getSpec, keyOfKind, knownDialects } from "./spec.js";
import { REVISIONS } from "./generated/wire.js";

export interface Parsed {
  readonly text: string;
  readonly tree: JsonValue[];
  readonly spans: Array<[number, number]>;
  /** What the float literals' exponents say about the writer: `e+16` zmij, `e16` ryu. */
  readonly exponentStyle: "plus" | "bare" | null;
  /** The tree is JSON.parse's, proven equal to serde's (see fastTree); no spans. */
  readonly fast: boolean;
  exact?: Parsed;
  /** serde's syntax error after the elements in `tree` (it stops there); read reports it last,
   * after the problems of those elements. */
  readonly syntax?: Problem;
}

export interface ReadResult {
  readonly dialect: DialectName;
  readonly records: Rec[];
  readonly extensions: boolean[];
  readonly notes: Problem[];
}

const SYNTAX_WORDS: Record<string, string> = {
  "trailing characters": "trailing characters after the conversation's closing `]`",
  "expected value": "expected a JSON value here (a byte-order mark or stray character?)",
  "recursion limit exceeded": "nested deeper than serde_json's limit of 128 arrays/objects",
  "unexpected end of hex escape": "a \\u escape of a leading surrogate must be followed by its trailing surrogate",
  "lone leading surrogate in hex escape": "a \\u escape names a lone surrogate, which is not a character",
};

const SYNTAX_KINDS: Readonly<Record<string, ProblemKind>> = {
  "trailing characters": "trailing-characters",
  "recursion limit exceeded": "recursion-limit",
  "unexpected end of hex escape": "lone-surrogate",
  "lone leading surrogate in hex escape": "lone-surrogate",
  "number out of range": "number-out-of-range",
};

/** The kind of one of serde_json's syntax error codes; `text`, the text read, tells a byte-order
 * mark or an empty document from other stray or missing characters (Python's `syntax_kind`). */
export function syntaxKind(code: string, text: string): ProblemKind {
  if (code === "expected value" && text.startsWith("\ufeff")) return "byte-order-mark";
  if (code === "EOF while parsing a value" && !/[^ \t\r\n]/.test(text)) return "empty-document";
  if (code.startsWith("invalid type: ")) return "not-an-array"; // serde's peek_invalid_type: the top level
  return SYNTAX_KINDS[code] ?? "syntax";
}

export function syntaxWords(code: string): string {
  return SYNTAX_WORDS[code] ?? code;
}

/** Text of the input: a string (no lone surrogates: a Rust string cannot hold one) or UTF-8 bytes. */
export function toText(data: string | Uint8Array): string {
  if (typeof data !== "string") {
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(data);
    } catch {
      const bad = firstInvalidUtf8(data);
      let line = 1;
      let start = 0;
      for (let i = 0; i < bad; i++) if (data[i] === 10) {
        line++;
        start = i + 1;
      }
      throw new ConversationError([
        problem(null, "", line, bad - start + 1, `not valid UTF-8 (byte ${bad}); the crates read UTF-8 text`, "encoding"),
      ]);
    }
  }
  const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.exec(data);
  if (lone !== null) {
    const at = Array.from(data.slice(0, lone.index)).length;
    throw new ConversationError([
      problem(null, "", null, null, `the text holds a lone surrogate (character ${at}); a Rust string cannot`, "encoding"),
    ]);
  }
  return data;
}

function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let need = 0;
    let min = 0;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= b.length + 0 && i + need > b.length - 1 + 1) return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return i;
}

// -- the fast path: JSON.parse, proven to give serde's tree ---------------------------------------
// JSON.parse is as strict as serde_json about syntax; it differs on repeated keys (last wins
// silently), numbers (no float/integer distinction, correctly rounded, no u64/i64, -0), lone
// surrogate escapes and depth. Each is excluded here; anything else goes to the exact parser.
const FLOATISH = /[:[,][ \t\n\r]*(?:-?[0-9]+[.eE]|-?[0-9]{16}|-0)/;
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const WS_BEFORE_COLON = /"[ \t\n\r]+:/;
const MAX_DEPTH = 127;

const NUMBER_TOKEN = /[:[,][ \t\n\r]*(-?[0-9][-+.eE0-9]*)(?=[ \t\n\r]*[,\]}])/g;

/**
 * True when every number literal reads the same in JSON.parse and serde_json, in the same
 * representation: integers below 16 digits (safe), and non-integral floats without exponent
 * whose significand has at most 15 digits and scale at most 22 (one exact division: correctly
 * rounded in both). Matches inside strings can only make this say no.
 */
function numbersAgree(text: string): boolean {
  if (!FLOATISH.test(text)) return true;
  NUMBER_TOKEN.lastIndex = 0;
  for (let m = NUMBER_TOKEN.exec(text); m !== null; m = NUMBER_TOKEN.exec(text)) {
    const lit = m[1]!;
    const dot = lit.indexOf(".");
    if (dot === -1) {
      if (lit.length - (lit[0] === "-" ? 1 : 0) >= 16 || lit === "-0" || /[eE]/.test(lit)) return false;
      continue;
    }
    if (/[eE]/.test(lit)) return false;
    const digits = (lit.slice(lit[0] === "-" ? 1 : 0, dot) + lit.slice(dot + 1)).replace(/^0+/, "");
    if (digits.length > 15 || lit.length - dot - 1 > 22) return false;
    if (Number.isInteger(Number(lit))) return false; // `1.0`: a float JSON.parse cannot tell
  }
  return true;
}

/** JSON.parse's tree when it is certainly the tree serde_json builds, else null. */
function fastTree(text: string): JsonValue[] | null {
  if (!numbersAgree(text) || SURROGATE_ESCAPE.test(text)) return null;
  // Every key is a string directly followed by `:`; an escaped quote before `:` or space
  // between would make the count unreliable.
  if (text.includes('\\":') || WS_BEFORE_COLON.test(text)) return null;
  let tree: unknown;
  try {
    tree = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(tree)) return null;
  let colons = 0;
  for (let i = text.indexOf('":'); i !== -1; i = text.indexOf('":', i + 2)) colons++;
  const keys = countKeys(tree, 1);
  return keys === colons ? (tree as JsonValue[]) : null;
}

/** Keys in the tree (-1: deeper than serde allows, or an integer-like key, whose order
 * JavaScript objects do not keep). */
function countKeys(value: unknown, depth: number): number {
  if (value === null || typeof value !== "object") return 0;
  if (depth > MAX_DEPTH) return -1;
  let n = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item === null || typeof item !== "object") continue;
      const k = countKeys(item, depth + 1);
      if (k < 0) return -1;
      n += k;
    }
    return n;
  }
  const obj = value as Record<string, unknown>;
  for (const key in obj) {
    const c = key.charCodeAt(0);
    if (c >= 48 && c <= 57) return -1;
    n++;
    const item = obj[key];
    if (item === null || typeof item !== "object") continue;
    const k = countKeys(item, depth + 1);
    if (k < 0) return -1;
    n += k;
  }
  return n;
}

/** Parse a document; throw ConversationError for what serde_json itself refuses. */
export function parseText(data: string | Uint8Array): Parsed {
  const text = toText(data);
  const tree = fastTree(text);
  if (tree !== null) return { text, tree, spans: [], exponentStyle: null, fast: true };
  return exactParse(text);
}

export function exactParse(text: string): Parsed {
  const parser = new Parser(text);
  let out: { items: JsonValue[]; spans: Array<[number, number]> };
  try {
    out = parser.parseDocument();
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const syntax = syntaxProblem(text, err);
    if (!parser.partial.length) throw new ConversationError([syntax]);
    // The elements completed before the error are read too, for their own problems.
    return { text, tree: parser.partial, spans: parser.partialSpans, exponentStyle: null, fast: false, syntax };
  }
  const style = parser.exponentPlus ? "plus" : parser.exponentBare ? "bare" : null;
  return { text, tree: out.items, spans: out.spans, exponentStyle: style, fast: false };
}

function syntaxProblem(text: string, err: JsonSyntaxError): Problem {
  const [line, column] = err.lineColumn(text);
  const index = err.element;
  const where = err.path !== null && err.path.length ? err.path : index !== null ? [index] : [];
  return problem(index, where, line, column, syntaxWords(err.code), syntaxKind(err.code, text));
}

/** Read a parsed document under one canonical dialect; throw ConversationError if refused. */
export function read(parsed: Parsed, dialect: DialectName): ReadResult {
  if (parsed.fast) {
    // Anything but a clean read is redone on the exact tree (positions, notes).
    const reader = new Reader(getSpec(dialect));
    reader.plainFree = true;
    const records: Rec[] = [];
    const extensions: boolean[] = [];
    let clean = true;
    for (let i = 0; i < parsed.tree.length && clean; i++) {
      try {
        records.push(reader.message(parsed.tree[i]!, i));
        extensions.push(reader.lastWasExtension);
      } catch (why) {
        if (!(why instanceof Reject)) throw why;
        clean = false;
      }
    }
    if (clean && !reader.notes.length) return { dialect, records, extensions, notes: [] };
    parsed.exact ??= exactParse(parsed.text);
    return read(parsed.exact, dialect);
  }
  const reader = new Reader(getSpec(dialect));
  const records: Rec[] = [];
  const extensions: boolean[] = [];
  const problems: Problem[] = [];
  parsed.tree.forEach((m, i) => {
    try {
      records.push(reader.message(m, i));
      extensions.push(reader.lastWasExtension);
    } catch (why) {
      if (!(why instanceof Reject)) throw why;
      problems.push(locate(parsed, why.path, why.message, why.kind));
    }
  });
  if (parsed.syntax !== undefined) problems.push(parsed.syntax);
  if (problems.length) throw new ConversationError(problems);
  const notes = reader.notes.map((n: Note) => locate(parsed, n.path, n.message, n.kind));
  return { dialect, records, extensions, notes };
}

export function locate(parsed: Parsed, path: Path, message: string, kind: ProblemKind): Problem {
  const index = path[0] as number;
  const start = parsed.spans[index]![0];
  const positions = valuePositions(parsed.text, start, [index]);
  let probe = path;
  while (!positions.has(JSON.stringify(probe)) && probe.length > 1) probe = probe.slice(0, -1);
  const offset = positions.get(JSON.stringify(probe)) ?? start;
  const [line, column] = position(parsed.text, offset);
  return problem(index, path, line, column + 1, message, kind);
}

// -- which crate wrote it ---------------------------------------------------------------------

interface Hints {
  readonly tag: string;
  readonly roles: ReadonlySet<string>;
  readonly phiKeys: ReadonlySet<string>; // metadata keys
  readonly phiStops: ReadonlySet<string>;
  readonly phiUsage: ReadonlySet<string>;
  readonly camelMessage: ReadonlySet<string>;
  readonly camelUsage: ReadonlySet<string>;
  readonly camelBlock: ReadonlySet<string>;
  readonly stopKey: string;
  readonly usageKey: string;
  readonly contentKey: string;
}

let hintsCache: Hints | null = null;

/** The signals, derived from the tables: phi-core-only metadata, stop reasons and usage keys;
 * the names the first renaming yoagent revision introduced (its alias targets). */
function hints(): Hints {
  if (hintsCache !== null) return hintsCache;
  const all = knownDialects().map(getSpec);
  const phi = all.filter((s) => s.metadata.length > 0);
  const yo = all.filter((s) => s.metadata.length === 0);
  const usageFields = (s: Spec) => s.types.get(s.wireTypes[usageKindOf(s)]!)!.fields.map((f) => f.wire);
  const yoStops = new Set(yo.flatMap((s) => s.stopReasons));
  const yoUsage = new Set(yo.flatMap(usageFields));
  const renaming = yo.find((s) => [...s.types.values()].some((t) => t.aliases.size > 0))!;
  const targets = (names: string[]) =>
    new Set(names.flatMap((n) => [...renaming.types.get(n)!.aliases].map((a) => renaming.types.get(n)!.lookup.get(a)!.wire)));
  const messageTypes = renaming.message.values.map((v) => renaming.message.typeOf.get(v)!);
  const blockTypes = renaming.content.values.map((v) => renaming.content.typeOf.get(v)!);
  const assistant = first(all).types.get(messageTypes.find((t) => keyOfKind(renaming.types.get(t)!, "StopReason") !== undefined)!)!;
  hintsCache = {
    tag: renaming.message.tag,
    roles: new Set(renaming.message.values),
    phiKeys: new Set(phi.flatMap((s) => s.metadata)),
    phiStops: new Set(phi.flatMap((s) => s.stopReasons).filter((s) => !yoStops.has(s))),
    phiUsage: new Set(phi.flatMap(usageFields).filter((k) => !yoUsage.has(k))),
    camelMessage: targets(messageTypes),
    camelUsage: targets([renaming.wireTypes[usageKindOf(renaming)]!]),
    camelBlock: targets(blockTypes),
    stopKey: keyOfKind(assistant, "StopReason")!,
    usageKey: keyOfKind(assistant, usageKindOf(renaming))!,
    contentKey: assistant.fields.find((f) => f.kind.startsWith("["))!.wire,
  };
  return hintsCache;
}

function first<T>(items: T[]): T {
  return items[0]!;
}

function usageKindOf(spec: Spec): string {
  for (const v of spec.message.values)
    for (const f of spec.types.get(spec.message.typeOf.get(v)!)!.fields) {
      const t = spec.wireTypes[f.kind];
      if (t !== undefined && spec.types.get(t)?.tag === null) return f.kind;
    }
  throw new Error("no usage struct");
}

/** Cheap hints of which crate wrote a document (looks at the first LLM messages). */
export function signals(tree: JsonValue[]): { phi: boolean; camel: boolean } {
  const h = hints();
  const found = { phi: false, camel: false };
  let seen = 0;
  for (const m of tree) {
    if (!isObj(m)) continue;
    const role = objGet(m, h.tag);
    if (typeof role !== "string" || !h.roles.has(role)) continue;
    seen++;
    const keys = [...objKeys(m)];
    if (keys.length && keys[0] !== h.tag && isSorted(keys)) found.phi = true;
    if (keys.some((k) => h.phiKeys.has(k))) found.phi = true;
    if (keys.some((k) => h.camelMessage.has(k))) found.camel = true;
    const stop = objGet(m, h.stopKey);
    if (typeof stop === "string" && h.phiStops.has(stop)) found.phi = true;
    const usage = objGet(m, h.usageKey);
    if (isObj(usage)) {
      if (objKeys(usage).some((k) => h.phiUsage.has(k))) found.phi = true;
      if (objKeys(usage).some((k) => h.camelUsage.has(k))) found.camel = true;
    }
    const content = objGet(m, h.contentKey);
    if (Array.isArray(content))
      for (const block of content) if (isObj(block) && objKeys(block).some((k) => h.camelBlock.has(k))) found.camel = true;
    if (seen >= 64) break;
  }
  return found;
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (cmpCodePoints(keys[i - 1]!, keys[i]!) > 0) return false;
  return true;
}

function cmpCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Dialects ordered from most to least likely to have written this document. */
export function likelyOrder(tree: JsonValue[], dialects: DialectName[] = knownDialects()): DialectName[] {
  const hint = signals(tree);
  const rev = [...dialects].reverse();
  const phi = rev.filter((d) => getSpec(d).metadata.length > 0);
  const yo = rev.filter((d) => getSpec(d).metadata.length === 0);
  const camel = yo.filter((d) => isCamel(d));
  const snake = yo.filter((d) => !isCamel(d));
  if (hint.phi) return [...phi, ...camel, ...snake];
  if (hint.camel) return [...camel, ...snake, ...phi];
  return [...snake, ...camel, ...phi];
}

function isCamel(dialect: DialectName): boolean {
  const spec = getSpec(dialect);
  return spec.types.get(spec.wireTypes[usageKindOf(spec)]!)!.aliases.size > 0;
}

export { REVISIONS };
