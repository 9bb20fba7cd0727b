/** Dialect names: `yoagent@0.16.2` -> the wire revision that version reads and writes. */
import { ConversationError } from "./errors.js";
import { REVISIONS } from "./generated/wire.js";
import { type DialectName, knownDialects } from "./spec.js";

function versionTuple(text: string): number[] {
  const parts = text.split(".");
  if (parts.length < 1 || parts.length > 3 || !parts.every((p) => /^[0-9]+$/.test(p))) throw new RangeError(text);
  return parts.map(Number);
}

function cmp(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

function inRange(version: number[], bounds: readonly string[]): boolean {
  for (const bound of bounds) {
    const op = bound.startsWith(">=") || bound.startsWith("<=") ? bound.slice(0, 2) : bound.slice(0, 1);
    const c = cmp(version, versionTuple(bound.slice(op.length)));
    const ok = op === ">=" ? c >= 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c < 0;
    if (!ok) return false;
  }
  return true;
}

export function crateOf(name: string): string {
  return name.split("@", 1)[0]!;
}

/** Map a dialect name (`yoagent@0.16.2`, `yoagent@0.18`, `phi-core`) to a revision. */
export function resolve(name: string): DialectName {
  if (Object.prototype.hasOwnProperty.call(REVISIONS, name)) return name as DialectName;
  const at = name.indexOf("@");
  const crate = at === -1 ? name : name.slice(0, at);
  const version = at === -1 ? "" : name.slice(at + 1);
  const revisions = knownDialects().filter((key) => REVISIONS[key].crate === crate);
  if (!revisions.length) throw new ConversationError(unknown(name));
  if (version === "" || version === "latest") return revisions[revisions.length - 1]!;
  let parsed: number[];
  try {
    parsed = versionTuple(version);
  } catch {
    throw new ConversationError(unknown(name));
  }
  for (const key of revisions) if (inRange(parsed, REVISIONS[key].versions)) return key;
  if (parsed.length === 2) for (const key of revisions) if (inRange([...parsed, 0], REVISIONS[key].versions)) return key;
  throw new ConversationError(unknown(name));
}

function unknown(name: string): string {
  const ranges = knownDialects()
    .map((key) => `${key} (${REVISIONS[key].versions.join(" ")})`)
    .join(", ");
  const crates = [...new Set(knownDialects().map((k) => `'${REVISIONS[k].crate}'`))].join(", ");
  return `unknown dialect '${name}': use 'auto', a crate name (${crates}) or crate@version; known revisions: ${ranges}`;
}
