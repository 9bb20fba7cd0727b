/** The public codec: parse, stringify, detect. */
import { ConversationError, type Problem, problem } from "./errors.js";
import { JsonObject, type JsonValue } from "./json.js";
import { JsonFloat, FLOAT_FORMATS, type FloatFormat } from "./numbers.js";
import { type Parsed, type ReadResult, likelyOrder, parseText, read } from "./document.js";
import { type Rec, Reader, Reject } from "./reader.js";
import { type DialectName, getSpec, knownDialects } from "./spec.js";
import { crateOf, resolve } from "./dialects.js";
import { Writer } from "./writer.js";
import type { AnyMessage, MessageTypes } from "./messages.js";

/** A saved conversation: its messages in the wire form of `dialect`, and round-trip notes. */
export interface Conversation<M = AnyMessage> {
  /** The wire revision the messages were read as (e.g. `yoagent@0.13`), null when built by hand. */
  dialect: DialectName | null;
  messages: M[];
  /** What loads but does not survive a round trip (aliases, unknown keys, null options...). */
  notes: Problem[];
  /** The float layout the text's exponents show (`e+16`: zmij, `e16`: ryu; zmij when none). */
  floatFormat: FloatFormat;
}

export type DialectOption = "auto" | string;

export interface StringifyOptions {
  /** `ryu` (serde_json <= 1.0.146), `zmij` (1.0.147+), or `auto`: what the parsed text showed. */
  floatFormat?: "auto" | FloatFormat;
}

function conversation(parsed: Parsed, result: ReadResult): Conversation {
  return {
    dialect: result.dialect,
    messages: result.records as unknown as AnyMessage[],
    notes: result.notes,
    floatFormat: parsed.exponentStyle === "bare" ? "ryu" : "zmij",
  };
}

/**
 * Read a saved conversation exactly as that crate version's `restore_messages()` does.
 * `dialect` is `auto` (the most likely reader that accepts it), a crate name (`yoagent`,
 * `phi-core`: the newest revision) or `crate@version`. Throws ConversationError.
 */
export function parse<D extends keyof MessageTypes>(text: string | Uint8Array, dialect: D): Conversation<MessageTypes[D]>;
export function parse(text: string | Uint8Array, dialect?: DialectOption): Conversation;
export function parse(text: string | Uint8Array, dialect: DialectOption = "auto"): Conversation {
  if (dialect !== "auto") {
    const name = resolve(dialect);
    const parsed = parseText(text);
    return conversation(parsed, read(parsed, name));
  }
  const parsed = parseText(text);
  const order = likelyOrder(parsed.tree);
  let best: ReadResult | null = null;
  let firstError: ConversationError | null = null;
  for (const name of order) {
    let result: ReadResult;
    try {
      result = read(parsed, name);
    } catch (err) {
      if (!(err instanceof ConversationError)) throw err;
      firstError ??= err;
      continue;
    }
    if (!result.notes.length) return conversation(parsed, result);
    if (best === null || result.notes.length < best.notes.length) best = result;
  }
  if (best !== null) return conversation(parsed, best);
  throw new ConversationError(
    firstError!.problems.map((p) => ({ ...p, message: `${p.message} (read as ${order[0]}; no dialect accepts it)` })),
  );
}

/** The dialects whose reader accepts `text`, most likely first. */
export function detect(text: string | Uint8Array): DialectName[] {
  let parsed: Parsed;
  try {
    parsed = parseText(text);
  } catch (err) {
    if (err instanceof ConversationError) return [];
    throw err;
  }
  const accepted: Array<[number, number, DialectName]> = [];
  likelyOrder(parsed.tree).forEach((name, rank) => {
    try {
      accepted.push([read(parsed, name).notes.length, rank, name]);
    } catch (err) {
      if (!(err instanceof ConversationError)) throw err;
    }
  });
  return accepted.sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((a) => a[2]);
}

/** Every dialect name the package knows (one per wire revision). */
export { knownDialects, resolve };

const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A record (plain JS values) as the parse tree the readers take. */
function toTree(value: unknown, path: Array<string | number>): JsonValue {
  if (value === null || typeof value === "boolean" || typeof value === "bigint") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Reject(path, `${value} is not a JSON number (serde_json refuses NaN and infinities)`, "wrong-type");
    return value;
  }
  if (typeof value === "string") {
    if (LONE.test(value)) throw new Reject(path, "a string holds a lone surrogate; a Rust string cannot", "encoding");
    return value;
  }
  if (value instanceof JsonFloat) {
    if (!Number.isFinite(value.value)) throw new Reject(path, `${value.value} is not a JSON number`, "wrong-type");
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => toTree(v, [...path, i]));
  if (typeof value === "object") {
    const out = new JsonObject();
    for (const key of Object.keys(value)) {
      const v = (value as Rec)[key];
      if (v === undefined) continue;
      out.set(key, toTree(v, [...path, key]));
    }
    return out;
  }
  throw new Reject(path, `a ${typeof value} is not a JSON value`, "wrong-type");
}

/**
 * The exact text that dialect's `save_messages()` writes for these messages. The messages are
 * checked by that dialect's reader first (hand-built or edited ones too); anything it would
 * drop or refuse throws ConversationError. Writing another revision of the same crate is
 * allowed when nothing is lost; across crates it is refused.
 */
export function stringify(conv: Pick<Conversation<unknown>, "messages"> & Partial<Conversation<unknown>>, dialect?: string, options: StringifyOptions = {}): string {
  const floatFormat = options.floatFormat ?? "auto";
  if (floatFormat !== "auto" && !FLOAT_FORMATS.includes(floatFormat))
    throw new ConversationError(`floatFormat must be one of auto, ${FLOAT_FORMATS.join(", ")}`);
  const source = conv.dialect ?? null;
  const target = dialect !== undefined ? resolve(dialect) : source;
  if (target === null) throw new ConversationError("this conversation was built by hand: name the dialect to write");
  if (source !== null && crateOf(source) !== crateOf(target))
    throw new ConversationError(`${source} → ${target} crosses crates; the wire formats differ in what they can carry`);
  const format: FloatFormat = floatFormat === "auto" ? (conv.floatFormat ?? "zmij") : floatFormat;
  const spec = getSpec(target);
  const reader = new Reader(spec);
  const writer = new Writer(spec, format === "zmij");
  const problems: Problem[] = [];
  const parts: string[] = [];
  conv.messages.forEach((message, index) => {
    try {
      const record = reader.message(toTree(message, [index]), index);
      const isExtension = reader.lastWasExtension;
      const union = spec.message;
      const ts = isExtension ? spec.types.get(spec.fallback)! : spec.types.get(union.typeOf.get(record[union.tag] as string)!)!;
      parts.push(writer.message(record, ts, isExtension));
    } catch (why) {
      if (!(why instanceof Reject)) throw why;
      problems.push(problem(index, why.path, null, null, `would be lost or refused writing ${target}: ${why.message}`, why.kind));
    }
  });
  for (const note of reader.notes)
    if (note.kind === "unknown-key" || note.kind === "metadata-dropped")
      problems.push(problem(note.path[0] as number, note.path, null, null, `would be lost writing ${target}: ${note.message}`, "loss"));
  if (problems.length) throw new ConversationError(problems);
  return "[" + parts.join(",") + "]";
}
