/** The fast path (JSON.parse, proven equal) gives exactly what the exact parser gives. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { exactParse, parseText, read } from "../src/document.js";
import { resolve } from "../src/dialects.js";
import { ConversationError } from "../src/errors.js";
import { JsonFloat } from "../src/numbers.js";
import { corpus, fixtureCases } from "./helpers.js";

function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v instanceof JsonFloat ? `float:${v.value}` : v));
}

function outcome(run: () => ReturnType<typeof read>): string {
  try {
    const r = run();
    return canonical([r.dialect, r.records, r.extensions, r.notes]);
  } catch (err) {
    if (!(err instanceof ConversationError)) throw err;
    return canonical(err.problems);
  }
}

test("fast path equals exact path on the corpus and fixtures; the crates' own outputs take it", () => {
  const texts: Array<[string, string, string]> = [];
  for (const row of corpus("messages.jsonl.gz") ?? []) {
    for (const [dialect, expect] of Object.entries(row.expect)) {
      texts.push([row.id, dialect, row.doc]);
      if (expect.ok) texts.push([row.id + "/out", dialect, expect.out!]);
    }
  }
  for (const [id, c] of fixtureCases()) for (const dialect of Object.keys(c.expect)) texts.push([id, dialect, c.document]);
  let fast = 0;
  let outputs = 0;
  let fastOutputs = 0;
  const diffs: string[] = [];
  for (const [id, dialect, text] of texts) {
    let parsed;
    try {
      parsed = parseText(text);
    } catch {
      continue;
    }
    if (id.endsWith("/out")) outputs++;
    if (!parsed.fast) continue;
    fast++;
    if (id.endsWith("/out")) fastOutputs++;
    const name = resolve(dialect);
    const a = outcome(() => read(parsed, name));
    const b = outcome(() => read(exactParse(text), name));
    if (a !== b) diffs.push(`${id} ${dialect}\n  fast  ${a.slice(0, 300)}\n  exact ${b.slice(0, 300)}`);
  }
  console.log(`# fast path: ${fast}/${texts.length} texts, ${fastOutputs}/${outputs} crate outputs`);
  assert.deepEqual(diffs, [], diffs.slice(0, 3).join("\n"));
  // The corpus is float-heavy (floats take the exact path), so only a share is expected.
  assert.ok(fastOutputs > 0.1 * outputs, `only ${fastOutputs}/${outputs} crate outputs took the fast path`);
});
