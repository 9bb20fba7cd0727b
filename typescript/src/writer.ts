/**
 * The crates' `Serialize` rules: records -> the exact bytes `save_messages()` writes.
 * Compact JSON; structs in declaration order (absent optional keys omitted), free values with
 * keys sorted by code point at every depth (serde_json's BTreeMap); phi-core writes each LLM
 * message through a serde_json::Value, so its keys come out sorted at every depth. Floats in
 * ryu's layout, or zmij's (`1e+16`) for serde_json >= 1.0.147.
 */
import { JsonFloat, formatF64 } from "./numbers.js";
import type { Rec } from "./reader.js";
import type { Spec, TypeSpec } from "./spec.js";
import { contentKind } from "./reader.js";

function unit(u: number): number {
  return u >= 0xe000 ? u - 0x800 : u >= 0xd800 ? u + 0x2000 : u;
}

/** Order strings by code point (UTF-8 byte order), as Rust's String Ord does. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return unit(x) - unit(y);
  }
  return a.length - b.length;
}

/** serde_json's text for a string (JSON.stringify escapes exactly the same characters). */
export const writeString = (s: string): string => JSON.stringify(s);

/** Any JSON value, objects with sorted keys at every depth. */
export function writeSorted(value: unknown, plus: boolean): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return value.toString();
    case "number":
      return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : formatF64(value, plus);
  }
  if (value instanceof JsonFloat) return formatF64(value.value, plus);
  if (Array.isArray(value)) return "[" + value.map((v) => writeSorted(v, plus)).join(",") + "]";
  const obj = value as Rec;
  const keys = Object.keys(obj).sort(compareCodePoints);
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    if (i) out += ",";
    out += JSON.stringify(keys[i]) + ":" + writeSorted(obj[keys[i]!], plus);
  }
  return out + "}";
}

/** Writes records of one dialect. */
export class Writer {
  readonly spec: Spec;
  readonly plus: boolean;
  private readonly contentKind: string;
  private readonly blockTypes: Map<string, TypeSpec>;

  constructor(spec: Spec, plus: boolean) {
    this.spec = spec;
    this.plus = plus;
    this.contentKind = `[${contentKind(spec)}]`;
    this.blockTypes = new Map(spec.content.values.map((v) => [v, spec.types.get(spec.content.typeOf.get(v)!)!]));
  }

  message(rec: Rec, ts: TypeSpec, isExtension: boolean): string {
    if (!isExtension && this.spec.sortedKeys && ts.sortedKeys) return writeSorted(rec, this.plus);
    return this.struct(rec, ts);
  }

  struct(rec: Rec, ts: TypeSpec): string {
    let out = "{";
    let first = true;
    if (ts.tag !== null) {
      out += JSON.stringify(ts.tag) + ":" + JSON.stringify(rec[ts.tag]);
      first = false;
    }
    for (const f of ts.fields) {
      if (!Object.prototype.hasOwnProperty.call(rec, f.wire)) continue;
      const value = rec[f.wire];
      if (value === undefined) continue;
      out += (first ? "" : ",") + JSON.stringify(f.wire) + ":";
      first = false;
      if (f.kind === this.contentKind) {
        out += "[" + (value as Rec[]).map((b) => this.struct(b, this.blockTypes.get(b[this.spec.content.tag] as string)!)).join(",") + "]";
      } else {
        const sub = this.spec.types.get(this.spec.wireTypes[f.kind] ?? "");
        out += sub !== undefined && sub.tag === null ? this.struct(value as Rec, sub) : writeSorted(value, this.plus);
      }
    }
    for (const key of this.spec.metadata) if (rec[key] !== undefined) out += (first ? "" : ",") + JSON.stringify(key) + ":" + writeSorted(rec[key], this.plus);
    return out + "}";
  }
}
