/**
 * The crates' `Deserialize` rules: one parsed message -> one record in the dialect's wire form
 * (a port of python/.../codec/reader.py; the same messages and notes).
 *
 * `AgentMessage` is serde-untagged: read as an LLM message (internally tagged), and if that
 * fails for any reason, as an extension record; both reasons are kept. Unknown keys are
 * ignored; a repeated known key is "duplicate field" where the type says so; an alias and its
 * name together are a duplicate; null on an Option reads as absent; tags may be variant
 * indexes where serde allows it; structs also load from the sequence form.
 */
import { type JsonValue, type Obj, type PathPart, type PlainObject, isObj, objDups, objGet, objHas, objKeys, objOnly, objSize, objWithout } from "./json.js";
import { JsonFloat, U32_MAX, formatF64 } from "./numbers.js";
import { type Field, type Spec, type TypeSpec, typeOfKind } from "./spec.js";
import { pointer } from "./errors.js";
import type { ProblemKind } from "./generated/problem-kinds.js";

export const FREE_DEPTH_LIMIT = 127;
/** Kind names of the tables ($defs names and scalar kinds). */
const K = {
  str: "str",
  u64: "u64",
  u32: "u32",
  bool: "bool",
  free: "free",
  stop: "StopReason",
  protocol: "ApiProtocol",
} as const;

export type Path = PathPart[];
export type Rec = Record<string, unknown>;

/** One reading of a value failed: where and why (serde's words, made plainer). */
export class Reject extends Error {
  readonly path: Path;
  readonly kind: ProblemKind;
  /** A missing tag key (Python's `key` in the cause): tells an empty message from a wrong type. */
  readonly missingTag: boolean;
  constructor(path: Path, message: string, kind: ProblemKind = "invalid", missingTag = false) {
    super(message);
    this.path = path;
    this.kind = kind;
    this.missingTag = missingTag;
  }
}

/** Something that loads but does not survive a round trip. */
export interface Note {
  path: Path;
  message: string;
  kind: ProblemKind;
}

export const isInt = (v: unknown): v is number | bigint =>
  typeof v === "bigint" || (typeof v === "number" && Number.isSafeInteger(v) && !Object.is(v, -0));

/** Python's repr() of a string (as the Python package words `invalid type` messages). */
export function pyRepr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (cp < 0x20 || cp === 0x7f || (cp !== 0x20 && /^[\p{C}\p{Z}]$/u.test(ch))) {
      if (cp <= 0xff) out += "\\x" + cp.toString(16).padStart(2, "0");
      else if (cp <= 0xffff) out += "\\u" + cp.toString(16).padStart(4, "0");
      else out += "\\U" + cp.toString(16).padStart(8, "0");
    } else out += ch;
  }
  return out + quote;
}

/** serde's `Unexpected` wording for a JSON value. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return `boolean \`${value}\``;
  if (isInt(value)) return `integer \`${String(value)}\``;
  if (value instanceof JsonFloat) return `floating point \`${formatF64(value.value)}\``;
  if (typeof value === "number") return `floating point \`${formatF64(value)}\``;
  if (typeof value === "string") {
    const points = Array.from(value);
    const short = points.length <= 40 ? value : points.slice(0, 37).join("") + "...";
    return `string ${pyRepr(short)}`;
  }
  if (Array.isArray(value)) return value.length ? "a sequence" : "an empty sequence";
  return "a map";
}

/** Set a key on a plain object (also `__proto__`, as an own property). */
export function setKey(obj: Rec, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function unknownVariant(name: string, variants: readonly string[], path: Path, kind: ProblemKind): Reject {
  const expected = variants.map((v) => `\`${v}\``).join(", ");
  return new Reject(path, `unknown variant \`${name}\`, expected one of ${expected}`, kind);
}

/** Neither reading of an AgentMessage succeeded; both reasons are kept. */
export class Untagged extends Reject {
  readonly llm: Reject;
  readonly ext: Reject;
  constructor(path: Path, llm: Reject, ext: Reject, looksExtension: boolean, tagKey: string) {
    const tail = llm.path.slice(1);
    const meantExtension =
      (llm.kind === "unknown-role" || llm.kind === "missing-key" || (llm.kind === "not-an-object" && llm.missingTag)) &&
      (tail.length === 0 || (tail.length === 1 && tail[0] === tagKey)) &&
      (ext.kind !== "missing-key" || looksExtension);
    const primary = meantExtension ? ext : llm;
    super(primary.path, reason("an LLM message", llm) + "; " + reason("an extension record", ext), primary.kind);
    this.llm = llm;
    this.ext = ext;
  }
}

function reason(label: string, why: Reject): string {
  const at = pointer(why.path.slice(1));
  return `as ${label}, ` + (at ? `\`${at}\`: ` : "") + why.message;
}

/** Reads the messages of one document under one dialect. */
export class Reader {
  readonly spec: Spec;
  notes: Note[] = [];
  /** Free values that are JSON.parse objects are kept as they are (the fast path). */
  plainFree = false;
  /** Whether the last message read was an extension record (the untagged fallback). */
  lastWasExtension = false;
  /** The type spec each successfully read message was read as (for the writer). */
  private readonly messageTypes: Map<string, TypeSpec>;
  private readonly contentTypes: Map<string, TypeSpec>;
  private readonly extensionType: TypeSpec;
  private readonly contentKind: string;
  private readonly unknownKinds: Map<string, ProblemKind>;

  constructor(spec: Spec) {
    this.spec = spec;
    this.messageTypes = new Map(spec.message.values.map((v) => [v, spec.types.get(spec.message.typeOf.get(v)!)!]));
    this.contentTypes = new Map(spec.content.values.map((v) => [v, spec.types.get(spec.content.typeOf.get(v)!)!]));
    this.extensionType = spec.types.get(spec.fallback)!;
    this.contentKind = contentKind(spec);
    this.unknownKinds = new Map<string, ProblemKind>([
      [spec.message.tag, "unknown-role"],
      [spec.content.tag, "unknown-content-type"],
      [K.stop, "unknown-stop-reason"],
    ]);
  }

  /** The kind of an unknown variant of `of` (a tag key, or an enum's $defs name). */
  private unknownKind(of: string): ProblemKind {
    return this.unknownKinds.get(of) ?? "unknown-variant";
  }

  note(path: Path, message: string, kind: ProblemKind): void {
    this.notes.push({ path, message, kind });
  }

  /** Read one AgentMessage; throws Reject (Untagged) carrying both readings' reasons. */
  message(value: JsonValue, index: number): Rec {
    const path: Path = [index];
    const mark = this.notes.length;
    try {
      const record = this.llmMessage(value, path);
      this.lastWasExtension = false;
      return record;
    } catch (llmError) {
      if (!(llmError instanceof Reject)) throw llmError;
      this.notes.length = mark;
      try {
        const record = this.extension(value, path);
        this.lastWasExtension = true;
        return record;
      } catch (extError) {
        if (!(extError instanceof Reject)) throw extError;
        this.notes.length = mark;
        // The record "meant" an extension: the constructor's role (the type's own name) or
        // the extension's other keys.
        const ext = this.extensionType;
        const looksExtension =
          isObj(value) &&
          (objGet(value, this.spec.message.tag) === ext.name || ext.fields.slice(1).some((f) => objHas(value, f.wire)));
        throw new Untagged(path, llmError, extError, looksExtension, this.spec.message.tag);
      }
    }
  }

  extension(value: JsonValue, path: Path): Rec {
    const ts = this.extensionType;
    return this.struct(value, ts, path, true, "an extension record", "not-an-object");
  }

  llmMessage(value: JsonValue, path: Path): Rec {
    const spec = this.spec;
    let meta: Rec | null = null;
    if (spec.metadata.length && isObj(value)) [value, meta] = this.phiMetadata(value, path);
    const union = spec.message;
    const role = this.tagged(value, union.tag, union.values, path, union.byIndex);
    const seq = this.seqForm;
    const rest = value;
    const ts = this.messageTypes.get(role)!;
    if (this.plainFree && !seq && meta === null) {
      const same = this.structInPlace(rest as PlainObject, ts, path, union.tag);
      if (same !== null) return same;
    }
    const record: Rec = {};
    record[union.tag] = role;
    if (seq) this.structSeq(rest as JsonValue[], ts, path, 1, record);
    else this.structMap(rest as Obj, ts, path, ts.dupError, union.tag, record);
    if (meta !== null) Object.assign(record, meta);
    return record;
  }

  /** Split an internally tagged value into [variant, the rest, is sequence form]. */
  /** Whether the last tagged value read was in serde's sequence form. */
  private seqForm = false;

  /** The variant of an internally tagged value (`seqForm` says whether it was a sequence). */
  tagged(value: JsonValue, tag: string, variants: readonly string[], path: Path, allowIndex: boolean): string {
    if (isObj(value)) {
      if (!objHas(value, tag)) throw new Reject(path, `missing field \`${tag}\``, "missing-key");
      const dups = objDups(value);
      if (dups !== null && dups.includes(tag) && this.spec.duplicatesError)
        throw new Reject([...path, tag], `duplicate field \`${tag}\``, "duplicate-key");
      const raw = objGet(value, tag)!;
      this.seqForm = false;
      if (typeof raw === "string" && variants.includes(raw)) return raw;
      return this.variant(raw, variants, [...path, tag], allowIndex, tag);
    }
    if (Array.isArray(value)) {
      // An empty array is no message at all: serde misses its tag.
      const empty = path.length === 1 ? "not-an-object" : "missing-key";
      if (!value.length) throw new Reject(path, `missing field \`${tag}\``, empty, true);
      const variant = this.variant(value[0]!, variants, [...path, 0], allowIndex, tag);
      this.note(path, "written as a sequence; the crate writes an object", "alias");
      this.seqForm = true;
      return variant;
    }
    const wrong = path.length === 1 ? "not-an-object" : "wrong-type";
    throw new Reject(path, `invalid type: ${describe(value)}, expected an object with \`${tag}\``, wrong);
  }

  variant(raw: JsonValue, variants: readonly string[], path: Path, allowIndex: boolean, tag: string): string {
    if (typeof raw === "string") {
      if (variants.includes(raw)) return raw;
      throw unknownVariant(raw, variants, path, this.unknownKind(tag));
    }
    if (allowIndex && isInt(raw) && raw >= 0) {
      if (raw < variants.length) {
        const name = variants[Number(raw)]!;
        this.note(path, `variant given by index ${String(raw)}; written as ${pyRepr(name)}`, "alias");
        return name;
      }
      throw new Reject(path, `invalid value: integer \`${String(raw)}\`, expected variant index 0 <= i < ${variants.length}`, this.unknownKind(tag));
    }
    throw new Reject(path, `invalid type: ${describe(raw)}, expected a string \`${tag}\``, "wrong-type");
  }

  // -- structs -----------------------------------------------------------------------------
  struct(value: JsonValue, ts: TypeSpec, path: Path, dupError: boolean, what: string, wrong: ProblemKind = "wrong-type"): Rec {
    if (isObj(value)) {
      if (this.plainFree) {
        const same = this.structInPlace(value as PlainObject, ts, path, null);
        if (same !== null) return same;
      }
      return this.structMap(value, ts, path, dupError, null);
    }
    if (Array.isArray(value)) {
      this.note(path, "written as a sequence; the crate writes an object", "alias");
      return this.structSeq(value, ts, path, 0);
    }
    throw new Reject(path, `invalid type: ${describe(value)}, expected ${what}`, wrong);
  }

  /**
   * The fast path's shortcut: a JSON.parse object already in the record form (the tag first,
   * fields in declaration order under their own names, defaults present, every value read as
   * itself) is the record; null when it is not (then the ordinary reading builds one).
   */
  structInPlace(value: PlainObject, ts: TypeSpec, path: Path, skip: string | null): Rec | null {
    const keys = Object.keys(value);
    let k = 0;
    if (skip !== null) {
      if (keys[0] !== skip) return null;
      k = 1;
    }
    let pos = -1;
    let present = 0;
    for (; k < keys.length; k++) {
      const key = keys[k]!;
      const f = ts.lookup.get(key);
      if (f === undefined || f.wire !== key || f.pos <= pos || f.kind === K.protocol) return null;
      if (f.optional && value[key] === null) return null;
      pos = f.pos;
      present++;
    }
    if (present !== ts.fields.length)
      for (const f of ts.fields) if (!Object.prototype.hasOwnProperty.call(value, f.wire) && (f.required || (f.hasDefault && f.default !== null))) return null;
    for (k = skip !== null ? 1 : 0; k < keys.length; k++) {
      const key = keys[k]!;
      const raw = value[key]!;
      if (this.kinded(raw, ts.lookup.get(key)!.kind, path, key) !== raw) return null;
    }
    return value as Rec;
  }

  structMap(value: Obj, ts: TypeSpec, path: Path, dupError: boolean, skip: string | null, out: Rec = {}): Rec {
    const lookup = ts.lookup;
    const seen: Array<string | undefined> = new Array<string | undefined>(ts.fields.length);
    const keys = objKeys(value);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key === skip) continue;
      const f = lookup.get(key);
      if (f === undefined) {
        this.unknownKey(path, key);
        continue;
      }
      const before = seen[f.pos];
      if (before !== undefined)
        throw new Reject([...path, key], `duplicate field \`${f.wire}\` (given as both \`${before}\` and \`${key}\`)`, "duplicate-alias");
      seen[f.pos] = key;
      if (ts.aliases.has(key)) this.note([...path, key], `\`${key}\` is read as \`${f.wire}\` and written so`, "alias");
    }
    const dups = objDups(value);
    if (dups !== null) {
      for (const key of dups) {
        if (lookup.has(key) || key === skip) {
          if (dupError) throw new Reject([...path, key], `duplicate field \`${key}\``, "duplicate-key");
          this.note([...path, key], `key \`${key}\` repeated; the last one wins`, "duplicate-key");
        } else if (!dupError) {
          this.note([...path, key], `key \`${key}\` repeated; the last one wins`, "duplicate-key");
        }
      }
    }
    for (const f of ts.fields) {
      const given = seen[f.pos];
      if (given === undefined) {
        if (f.required) throw new Reject(path, `missing field \`${f.wire}\``, "missing-key");
        if (f.hasDefault && f.default !== null) out[f.wire] = f.default;
        continue;
      }
      const raw = objGet(value, given)!;
      if (raw === null && f.optional) {
        this.note([...path, given], `\`${given}\` is null; it is read as absent and not written`, "null-optional");
        continue;
      }
      if (f.kind === K.protocol) {
        const protocol = this.protocol(raw, [...path, given]);
        if (protocol !== null) out[f.wire] = protocol;
        continue;
      }
      out[f.wire] = this.kinded(raw, f.kind, path, given);
    }
    return out;
  }

  structSeq(items: JsonValue[], ts: TypeSpec, path: Path, offset: number, out: Rec = {}): Rec {
    const fields = ts.fields;
    const available = items.length - offset;
    for (let pos = 0; pos < fields.length; pos++) {
      const f = fields[pos]!;
      if (pos >= available) {
        if (f.hasDefault) {
          if (f.default !== null) out[f.wire] = f.default;
          continue;
        }
        throw new Reject(path, `invalid length ${items.length}, expected ${fields.length + offset} elements (\`${f.wire}\` is missing)`, "missing-key");
      }
      const raw = items[pos + offset]!;
      if (raw === null && f.optional) continue;
      if (f.kind === K.protocol) {
        const protocol = this.protocol(raw, [...path, pos + offset]);
        if (protocol !== null) out[f.wire] = protocol;
        continue;
      }
      out[f.wire] = this.kinded(raw, f.kind, path, pos + offset);
    }
    if (available > fields.length)
      throw new Reject(path, `invalid length ${items.length}, expected at most ${fields.length + offset} elements`, "too-many-elements");
    return out;
  }

  protocol(raw: JsonValue, path: Path): string | null {
    const protocols = this.spec.apiProtocols;
    if (typeof raw === "string" && protocols.includes(raw)) return raw;
    if (isObj(raw) && objSize(raw) === 1) {
      const [key, inner] = objOnly(raw);
      if (protocols.includes(key) && inner === null) {
        this.note(path, `written as a map; the crate writes "${key}"`, "alias");
        return key;
      }
    }
    this.note(path, `unknown protocol ${describe(raw)} loads as absent and is not written`, "metadata-dropped");
    return null;
  }

  unknownKey(path: Path, key: string): void {
    this.note([...path, key], `unknown key \`${key}\` would be dropped by ${this.spec.name}`, "unknown-key");
  }

  // -- field values --------------------------------------------------------------------------
  /** A field value of a kind; its path (`parent` + `key`) is made only when needed. */
  kinded(raw: JsonValue, kind: string, parent: Path, key: PathPart): unknown {
    switch (kind) {
      case K.str:
        if (typeof raw === "string") return raw;
        throw new Reject([...parent, key], `invalid type: ${describe(raw)}, expected a string`, "wrong-type");
      case K.u64:
        if (typeof raw === "number" && (raw > 0 || Object.is(raw, 0)) && Number.isSafeInteger(raw)) return raw;
        return u64(raw, [...parent, key]);
      case K.u32:
        return u32(raw, [...parent, key]);
      case K.free:
        if (raw === null || typeof raw !== "object") return raw;
        return this.free(raw, [...parent, key], parent.length + 2);
      case K.bool:
        if (raw === true || raw === false) return raw;
        throw new Reject([...parent, key], `invalid type: ${describe(raw)}, expected a boolean`, "wrong-type");
      case K.stop:
        if (typeof raw === "string" && this.spec.stopReasons.includes(raw)) return raw;
        return this.unitEnum(raw, this.spec.stopReasons, [...parent, key], kind);
    }
    const path = [...parent, key];
    if (kind.startsWith("[") && kind.endsWith("]")) {
      const inner = kind.slice(1, -1);
      if (inner === this.contentKind) return this.content(raw, path);
      if (!Array.isArray(raw)) throw new Reject(path, `invalid type: ${describe(raw)}, expected a sequence`, "wrong-type");
      return raw.map((item, i) => this.kinded(item, inner, path, i));
    }
    const enumValues = this.spec.enums[kind];
    if (enumValues !== undefined) return this.unitEnum(raw, enumValues, path, kind);
    const ts = typeOfKind(this.spec, kind);
    if (ts !== undefined) return this.struct(raw, ts, path, ts.dupError, ts.name);
    throw new Error(`unknown kind ${kind}`);
  }

  unitEnum(raw: JsonValue, variants: readonly string[], path: Path, name: string): string {
    if (typeof raw === "string") {
      if (variants.includes(raw)) return raw;
      throw unknownVariant(raw, variants, path, this.unknownKind(name));
    }
    if (isObj(raw) && objSize(raw) === 1 && !(objDups(raw) !== null && this.spec.duplicatesError)) {
      const [key, inner] = objOnly(raw);
      if (!variants.includes(key)) throw unknownVariant(key, variants, path, this.unknownKind(name));
      if (inner !== null) throw new Reject([...path, key], `invalid type: ${describe(inner)}, expected unit`, "wrong-type");
      this.note(path, `written as a map; the crate writes "${key}"`, "alias");
      return key;
    }
    throw new Reject(path, `invalid type: ${describe(raw)}, expected enum ${name} (a string)`, "wrong-type");
  }

  content(raw: JsonValue, path: Path): Rec[] {
    if (!Array.isArray(raw)) throw new Reject(path, `invalid type: ${describe(raw)}, expected a sequence of content blocks`, "wrong-type");
    const union = this.spec.content;
    const out: Rec[] = [];
    let unchanged = this.plainFree;
    for (let i = 0; i < raw.length; i++) {
      const bpath = [...path, i];
      const rest = raw[i]!;
      const kind = this.tagged(rest, union.tag, union.values, bpath, union.byIndex);
      const seq = this.seqForm;
      const ts = this.contentTypes.get(kind)!;
      if (this.plainFree && !seq) {
        const same = this.structInPlace(rest as PlainObject, ts, bpath, union.tag);
        if (same !== null) {
          out.push(same);
          continue;
        }
      }
      unchanged = false;
      const record: Rec = {};
      record[union.tag] = kind;
      if (seq) this.structSeq(rest as JsonValue[], ts, bpath, 1, record);
      else this.structMap(rest as Obj, ts, bpath, ts.dupError, union.tag, record);
      out.push(record);
    }
    return unchanged ? (raw as Rec[]) : out;
  }

  // -- free JSON values (serde_json::Value) --------------------------------------------------
  free(raw: JsonValue, path: Path, depth: number): unknown {
    if (this.plainFree) return raw; // the fast path: JSON.parse's values already are record values
    if (isObj(raw)) {
      const dups = objDups(raw);
      if (dups !== null) for (const key of dups) this.note([...path, key], `key \`${key}\` repeated; the last one wins`, "duplicate-key");
      const out: Rec = {};
      const keys = objKeys(raw);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const v = objGet(raw, k)!;
        setKey(out, k, v === null || typeof v !== "object" ? v : this.free(v, [...path, k], depth + 1));
      }
      return out;
    }
    if (Array.isArray(raw)) return raw.map((v, i) => (v === null || typeof v !== "object" ? v : this.free(v, [...path, i], depth + 1)));
    return raw;
  }

  // -- phi-core metadata ---------------------------------------------------------------------
  phiMetadata(value: Obj, path: Path): [Obj, Rec | null] {
    const known = this.spec.metadata;
    if (!known.some((k) => objHas(value, k))) return [value, null];
    const rest = objWithout(value, known);
    const meta: Rec = {};
    for (const key of known) {
      if (!objHas(value, key)) continue;
      const raw = objGet(value, key)!;
      let parsed: unknown;
      try {
        parsed = this.metadataValue(key, raw, [...path, key]);
      } catch (why) {
        if (!(why instanceof Reject)) throw why;
        this.note([...path, key], `\`${key}\` is malformed and silently dropped: ${why.message}`, "metadata-dropped");
        continue;
      }
      if (parsed === null) continue;
      meta[key] = parsed;
    }
    return [rest, meta];
  }

  metadataValue(key: string, raw: JsonValue, path: Path): unknown {
    if (raw === null) throw new Reject(path, "null", "wrong-type");
    const kind = this.spec.metadataKinds[key]!;
    if (kind.startsWith("[")) {
      if (!Array.isArray(raw)) throw new Reject(path, `invalid type: ${describe(raw)}, expected a sequence`, "wrong-type");
      const inner = kind.slice(1, -1);
      const ts = typeOfKind(this.spec, inner)!;
      const items = raw.map((t, i) => this.struct(t, ts, [...path, i], false, `a ${inner}`));
      if (!items.length) {
        this.note(path, `empty \`${key}\` are not written`, "null-optional");
        return null;
      }
      return items;
    }
    if (this.spec.unionVariants.has(this.spec.wireTypes[kind] ?? "")) return this.provenance(raw, path, this.spec.wireTypes[kind]!);
    const ts = typeOfKind(this.spec, kind);
    if (ts !== undefined) return this.struct(raw, ts, path, false, `a ${kind}`);
    return this.kinded(raw, kind, path.slice(0, -1), path[path.length - 1]!);
  }

  provenance(raw: JsonValue, path: Path, tname: string): Rec {
    const variantsMap = this.spec.unionVariants.get(tname)!;
    const tag = this.spec.unionTags.get(tname)!;
    const variants = [...variantsMap.keys()];
    const name = this.tagged(raw, tag, variants, path, false);
    const seq = this.seqForm;
    const rest = raw;
    const specFields = variantsMap.get(name)!.fields;
    const out: Rec = {};
    out[tag] = name;
    let pairs: Array<[Field, JsonValue]>;
    if (seq) {
      const items = (rest as JsonValue[]).slice(1);
      if (!specFields.length) {
        if (items.length) throw new Reject(path, "unit variant given extra elements", "too-many-elements");
        return out;
      }
      if (items.length !== specFields.length) throw new Reject(path, `invalid length ${(rest as JsonValue[]).length}`, items.length > specFields.length ? "too-many-elements" : "missing-key");
      pairs = specFields.map((f, i) => [f, items[i]!]);
    } else {
      const obj = rest as Obj;
      const names = new Set(specFields.map((f) => f.wire));
      for (const key of objKeys(obj)) if (key !== tag && !names.has(key)) this.unknownKey(path, key);
      const missing = specFields.filter((f) => !objHas(obj, f.wire));
      if (missing.length) throw new Reject(path, `missing field \`${missing[0]!.wire}\``, "missing-key");
      pairs = specFields.map((f) => [f, objGet(obj, f.wire)!]);
    }
    for (const [f, item] of pairs) {
      const fpath = [...path, f.wire];
      if (f.kind === K.str) {
        if (typeof item !== "string") throw new Reject(fpath, `invalid type: ${describe(item)}, expected a string`, "wrong-type");
        out[f.wire] = item;
      } else out[f.wire] = this.kinded(item, f.kind, path, f.wire);
    }
    return out;
  }
}

/** The $defs name of the content block union (the list kind in the LLM message types). */
export function contentKind(spec: Spec): string {
  const first = spec.types.get(spec.message.typeOf.get(spec.message.values[0]!)!)!;
  for (const f of first.fields) if (f.kind.startsWith("[")) return f.kind.slice(1, -1);
  throw new Error("no content list in the message type");
}

export function u64(raw: unknown, path: Path): number | bigint {
  if (isInt(raw)) {
    if (raw >= 0) return raw;
    throw new Reject(path, `invalid value: integer \`${String(raw)}\`, expected an unsigned integer (u64)`, "negative-integer");
  }
  throw new Reject(path, `invalid type: ${describe(raw)}, expected an unsigned integer (u64)`, notAnInteger(raw, U64_END));
}

/** 2^64, the first integer past u64 (2^64 - 1 is no f64). */
const U64_END = 2 ** 64;

/** The kind of a non-integer where an integer is expected: a float names the rule it broke
 * (`end`: the first integer past the field's range). */
function notAnInteger(raw: unknown, end: number): ProblemKind {
  const value = raw instanceof JsonFloat ? raw.value : typeof raw === "number" ? raw : null;
  if (value === null) return "wrong-type";
  if (!Number.isInteger(value)) return "not-an-integer";
  return value >= end ? "integer-overflow" : "float-for-integer";
}

export function u32(raw: unknown, path: Path): number {
  if (isInt(raw)) {
    if (raw >= 0 && raw <= U32_MAX) return Number(raw);
    throw new Reject(path, `invalid value: integer \`${String(raw)}\`, expected u32`, raw < 0 ? "negative-integer" : "integer-overflow");
  }
  throw new Reject(path, `invalid type: ${describe(raw)}, expected u32`, notAnInteger(raw, U32_MAX + 1));
}
