/**
 * yoagent (>= 0.11) session files: `Session::to_jsonl` / `from_jsonl` (a port of the yoagent
 * half of python/.../sessions.py). One compact JSON object per line (the `sessionEntry` table:
 * id, parent id (always written, may be null), message, timestamp, optional label), lines
 * joined by `\n`. Reading splits lines, trims Rust whitespace, skips blank lines, refuses a
 * repeated id and a parent not defined on an earlier line. Problems carry the 1-based line.
 */
import { ConversationError, type Problem, type ProblemKind, problem } from "./errors.js";
import { JsonObject, JsonSyntaxError, type JsonValue, Parser, position, valuePositions } from "./json.js";
import { type Path, type Rec, Reader, Reject, pyRepr, u64 } from "./reader.js";
import { type DialectName, type Spec, type TypeSpec, getSpec, knownDialects } from "./spec.js";
import { resolve } from "./dialects.js";
import { syntaxKind, syntaxWords, toText } from "./document.js";
import { stringify } from "./codec.js";
import type { AnyMessage } from "./messages.js";
import type { FloatFormat } from "./numbers.js";

/** One session line. Its keys are those of the revision's `sessionEntry` table. */
export interface SessionEntry<M = AnyMessage> {
  id: string;
  parent_id: string | null;
  message: M;
  timestamp: number | bigint;
  label?: string;
}

export interface Session<M = AnyMessage> {
  dialect: DialectName;
  entries: Array<SessionEntry<M>>;
  /** 1-based line of each entry in the text it was read from. */
  lines: number[];
  notes: Problem[];
  floatFormat: FloatFormat;
}

// Rust's char::is_whitespace (Unicode White_Space), which str::trim strips.
const RUST_WS = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";
const ENTRY = "sessionEntry";

function entryType(spec: Spec): TypeSpec | undefined {
  return spec.types.get(ENTRY);
}

/** Revisions that have sessions (a session entry table), newest first. */
export function sessionDialects(): DialectName[] {
  return knownDialects()
    .filter((d) => entryType(getSpec(d)) !== undefined)
    .reverse();
}

function trim(line: string): [string, string] {
  let a = 0;
  let b = line.length;
  while (a < b && RUST_WS.includes(line[a]!)) a++;
  while (b > a && RUST_WS.includes(line[b - 1]!)) b--;
  return [line.slice(a, b), line.slice(0, a)];
}

/** Read a yoagent session file exactly as `Session::from_jsonl` does. */
export function parseSession(data: string | Uint8Array, dialect = "auto"): Session {
  const text = toText(data);
  const names = dialect !== "auto" ? [resolve(dialect)] : sessionDialects();
  let firstError: ConversationError | null = null;
  let best: Session | null = null;
  for (const name of names) {
    if (entryType(getSpec(name)) === undefined) throw new ConversationError(`${name} has no session files (yoagent >= 0.11 has)`);
    let session: Session;
    try {
      session = readSession(text, name);
    } catch (err) {
      if (!(err instanceof ConversationError)) throw err;
      firstError ??= err;
      continue;
    }
    if (!session.notes.length) return session;
    if (best === null || session.notes.length < best.notes.length) best = session;
  }
  if (best !== null) return best;
  throw firstError!;
}

function readSession(text: string, dialect: DialectName): Session {
  const spec = getSpec(dialect);
  const et = entryType(spec)!;
  const session: Session = { dialect, entries: [], lines: [], notes: [], floatFormat: "zmij" };
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const unreadable: number[] = [];
  let plus = false;
  let bare = false;
  text.split("\n").forEach((rawLine, n) => {
    const number = n + 1;
    const [line, lead] = trim(rawLine);
    if (!line) return;
    const offset = new TextEncoder().encode(lead).length;
    const index = session.entries.length + problems.length;
    let value: JsonValue;
    const parser = new Parser(line);
    try {
      value = parser.parseValue();
    } catch (err) {
      if (!(err instanceof JsonSyntaxError)) throw err;
      const [, column] = err.lineColumn(line);
      problems.push(problem(index, "", number, column + offset, syntaxWords(err.code), syntaxKind(err.code, line)));
      unreadable.push(number);
      return;
    }
    plus ||= parser.exponentPlus;
    bare ||= parser.exponentBare;
    const reader = new Reader(spec);
    let entry: Rec;
    try {
      entry = readEntry(value, reader, et);
    } catch (why) {
      if (!(why instanceof Reject)) throw why;
      problems.push(at(line, number, offset, index, why.path, why.message, why.kind));
      const looseId = value instanceof JsonObject ? value.get(et.fields[0]!.wire) : undefined;
      if (typeof looseId === "string" && !seen.has(looseId)) seen.add(looseId);
      else unreadable.push(number);
      return;
    }
    for (const note of reader.notes) session.notes.push(at(line, number, offset, index, note.path, note.message, note.kind));
    const [idKey, parentKey] = [et.fields[0]!.wire, et.fields[1]!.wire];
    const id = entry[idKey] as string;
    const parent = entry[parentKey] as string | null;
    if (seen.has(id)) {
      problems.push(at(line, number, offset, index, [idKey], `repeated id ${pyRepr(id)}`, "duplicate-id"));
      return;
    }
    if (parent !== null && !seen.has(parent)) {
      let words = `parent ${pyRepr(parent)} of ${pyRepr(id)} is not defined on an earlier line`;
      if (unreadable.length) words += ` (line ${unreadable[unreadable.length - 1]} could not be read)`;
      problems.push(at(line, number, offset, index, [parentKey], words, "unknown-parent"));
      seen.add(id);
      return;
    }
    seen.add(id);
    session.entries.push(entry as unknown as SessionEntry);
    session.lines.push(number);
  });
  if (problems.length) throw new ConversationError(problems);
  session.floatFormat = bare && !plus ? "ryu" : "zmij";
  return session;
}

function at(line: string, number: number, offset: number, index: number, path: Path, message: string, kind: ProblemKind): Problem {
  let positions: Map<string, number>;
  try {
    positions = valuePositions(line, 0, []);
  } catch {
    positions = new Map();
  }
  let probe = path;
  while (probe.length && !positions.has(JSON.stringify(probe))) probe = probe.slice(0, -1);
  const start = positions.get(JSON.stringify(probe)) ?? 0;
  const [, column] = position(line, start);
  return problem(index, path, number, column + 1 + offset, message, kind);
}

function readEntry(value: JsonValue, reader: Reader, et: TypeSpec): Rec {
  const names = et.fields.map((f) => f.wire);
  if (Array.isArray(value)) {
    const min = et.fields.filter((f) => !f.optional).length;
    if (value.length < min || value.length > names.length)
      throw new Reject([], `invalid length ${value.length}, expected ${min} or ${names.length} elements`, "wrong-type");
    reader.note([], "written as a sequence; the crate writes an object", "alias");
    const obj = new JsonObject();
    value.forEach((v, i) => obj.set(names[i]!, v));
    value = obj;
  }
  if (!(value instanceof JsonObject)) throw new Reject([], "a session line must be a JSON object", "wrong-type");
  if (value.dups !== null) for (const key of value.dups) if (names.includes(key)) throw new Reject([key], `duplicate field \`${key}\``, "duplicate-key");
  for (const key of value.keys()) if (!names.includes(key)) reader.note([key], `unknown key \`${key}\` would be dropped`, "unknown-key");
  for (const f of et.fields) if (f.required && !value.has(f.wire)) throw new Reject([], `missing field \`${f.wire}\``, "missing-key");
  const out: Rec = {};
  // serde checks the scalar fields first and the message last (as the Python package reports).
  const isMessage = (f: (typeof et.fields)[number]) => f.required && f.kind !== "str" && f.kind !== "u64";
  for (const f of [...et.fields.filter((f) => !isMessage(f)), ...et.fields.filter(isMessage)]) {
    const raw = value.has(f.wire) ? value.get(f.wire)! : null;
    if (f.kind === "u64") out[f.wire] = u64(raw, [f.wire]);
    else if (f.required && f.kind !== "str") {
      try {
        out[f.wire] = reader.message(raw, 0);
      } catch (why) {
        if (!(why instanceof Reject)) throw why;
        throw new Reject([f.wire, ...why.path.slice(1)], why.message, why.kind);
      }
      for (const note of reader.notes) if (note.path[0] === 0) note.path = [f.wire, ...note.path.slice(1)];
    } else if (f.required) {
      if (typeof raw !== "string") throw new Reject([f.wire], `\`${f.wire}\` must be a string`, "wrong-type");
      out[f.wire] = raw;
    } else if (f.optional) {
      if (raw !== null && typeof raw !== "string") throw new Reject([f.wire], `\`${f.wire}\` must be a string`, "wrong-type");
      if (raw !== null) out[f.wire] = raw;
      else if (value.has(f.wire)) reader.note([f.wire], `\`${f.wire}\` is null: written back it is left out`, "null-optional");
    } else {
      if (raw !== null && typeof raw !== "string") throw new Reject([f.wire], `\`${f.wire}\` must be a string or null`, "wrong-type");
      out[f.wire] = raw;
    }
  }
  const ordered: Rec = {};
  for (const f of et.fields) if (f.wire in out) ordered[f.wire] = out[f.wire];
  return ordered;
}

/** The exact text `Session::to_jsonl` writes for these entries. */
export function stringifySession(session: Pick<Session<unknown>, "entries"> & Partial<Session<unknown>>, dialect?: string, options: { floatFormat?: "auto" | FloatFormat } = {}): string {
  const target = dialect !== undefined ? resolve(dialect) : session.dialect;
  if (target === undefined) throw new ConversationError("name the dialect to write");
  const et = entryType(getSpec(target));
  if (et === undefined) throw new ConversationError(`${target} has no session files (yoagent >= 0.11 has)`);
  const floatFormat = options.floatFormat === undefined || options.floatFormat === "auto" ? (session.floatFormat ?? "zmij") : options.floatFormat;
  const problems: Problem[] = [];
  const lines: string[] = [];
  session.entries.forEach((entry, index) => {
    const rec = entry as unknown as Rec;
    let out = "{";
    let first = true;
    for (const f of et.fields) {
      const value = rec[f.wire];
      let text: string;
      if (f.kind === "u64") {
        try {
          text = String(u64(value, [f.wire]));
        } catch (why) {
          problems.push(problem(index, [f.wire], null, null, (why as Error).message, "wrong-type"));
          continue;
        }
      } else if (f.kind !== "str") {
        try {
          text = stringify({ dialect: session.dialect ?? null, messages: [value] }, target, { floatFormat }).slice(1, -1);
        } catch (err) {
          if (!(err instanceof ConversationError)) throw err;
          for (const p of err.problems) problems.push(problem(index, [f.wire, ...p.path.slice(1)], null, null, p.message, p.kind));
          continue;
        }
      } else if (value === undefined || value === null) {
        if (f.optional) continue;
        if (f.required) {
          problems.push(problem(index, [f.wire], null, null, `missing field \`${f.wire}\``, "missing-key"));
          continue;
        }
        text = "null";
      } else if (typeof value !== "string") {
        problems.push(problem(index, [f.wire], null, null, `\`${f.wire}\` must be a string`, "wrong-type"));
        continue;
      } else text = JSON.stringify(value);
      out += (first ? "" : ",") + JSON.stringify(f.wire) + ":" + text;
      first = false;
    }
    lines.push(out + "}");
  });
  if (problems.length) throw new ConversationError(problems);
  return lines.join("\n");
}


