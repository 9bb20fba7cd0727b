/** The conformance corpus: what the real crates did on 1,200 inputs, for every crate version. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse, stringify, ConversationError } from "../src/index.js";
import type { FloatFormat } from "../src/index.js";
import { corpus, type CorpusRow } from "./helpers.js";

function check(rows: CorpusRow[], floatFormat: FloatFormat): { agree: number; total: number; mismatches: string[] } {
  let agree = 0;
  let total = 0;
  const mismatches: string[] = [];
  for (const row of rows) {
    for (const [dialect, expect] of Object.entries(row.expect)) {
      total++;
      let got: { ok: boolean; out?: string; error?: ConversationError };
      try {
        got = { ok: true, out: stringify(parse(row.doc, dialect), undefined, { floatFormat }) };
      } catch (err) {
        if (!(err instanceof ConversationError)) throw err;
        got = { ok: false, error: err };
      }
      if (got.ok !== expect.ok) {
        mismatches.push(`${row.id} ${dialect} (${row.family}): verdict ${got.ok}, serde ${expect.ok} ${expect.error ?? ""} ${got.error?.message ?? ""}`);
      } else if (expect.ok && got.out !== expect.out) {
        mismatches.push(`${row.id} ${dialect}: bytes\n  got  ${got.out}\n  want ${expect.out}`);
      } else if (!expect.ok && !expect.error!.includes("did not match any variant")) {
        const p = got.error!.problems[0]!;
        if (!expect.error!.endsWith(`at line ${p.line} column ${p.column}`)) mismatches.push(`${row.id} ${dialect}: position ${p.line}:${p.column} vs ${expect.error}`);
        else agree++;
      } else agree++;
    }
  }
  return { agree, total, mismatches };
}

test("conformance corpus (serde_json 1.0.146, ryu): verdicts, bytes and syntax positions", () => {
  const rows = corpus("messages.jsonl.gz");
  assert.ok(rows !== null && rows.length === 1200, "fixtures/conformance/messages.jsonl.gz is missing or short");
  const { agree, total, mismatches } = check(rows, "ryu");
  console.log(`# corpus ryu: ${agree}/${total} agree`);
  assert.deepEqual(mismatches, [], mismatches.slice(0, 5).join("\n"));
});

test("conformance corpus (serde_json 1.0.154, zmij), when present", (t) => {
  const rows = corpus("messages.serde_json-1.0.154.jsonl.gz");
  if (rows === null) {
    t.skip("fixtures/conformance/messages.serde_json-1.0.154.jsonl.gz not present yet");
    return;
  }
  const { agree, total, mismatches } = check(rows, "zmij");
  console.log(`# corpus zmij: ${agree}/${total} agree`);
  assert.deepEqual(mismatches, [], mismatches.slice(0, 5).join("\n"));
});
