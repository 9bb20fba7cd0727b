/**
 * Property tests: documents of every dialect (fixtures and corpus, valid and mutated by
 * fast-check) read by TypeScript and by the Python package (a subprocess answers); the verdict,
 * the bytes written, every problem (index, pointer, line, column, message) and detect() agree.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parse, stringify, detect, ConversationError, parseSession, stringifySession } from "../src/index.js";
import { ROOT, corpus, fixtureCases } from "./helpers.js";

function python(): string | null {
  const candidates = [process.env.PYTHON, join(ROOT, ".venv", "bin", "python"), "python3"].filter((c): c is string => !!c);
  for (const c of candidates) {
    if (c.includes("/") && !existsSync(c)) continue;
    const probe = spawnSync(c, ["-c", "import agent_conversation"], { encoding: "utf8" });
    if (probe.status === 0) return c;
  }
  return null;
}

interface Request {
  doc: string;
  dialect: string;
  session?: boolean;
}

function askPython(py: string, requests: Request[]): unknown[] {
  const proc = spawnSync(py, [join(ROOT, "typescript", "test", "python_oracle.py")], {
    input: requests.map((r) => JSON.stringify(r)).join("\n") + "\n",
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  assert.equal(proc.status, 0, proc.stderr);
  return proc.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown);
}

function problemsOf(err: ConversationError) {
  return err.problems.map((p) => ({ index: p.index, pointer: p.pointer, line: p.line, column: p.column, message: p.message }));
}

function answerTs(req: Request): unknown {
  if (req.session) {
    try {
      const s = parseSession(req.doc, req.dialect);
      return { ok: true, out: stringifySession(s, undefined, { floatFormat: "ryu" }), dialect: s.dialect };
    } catch (err) {
      if (!(err instanceof ConversationError)) throw err;
      return { ok: false, problems: problemsOf(err) };
    }
  }
  const out: Record<string, unknown> = { detect: detect(req.doc) };
  try {
    const conv = parse(req.doc, req.dialect);
    Object.assign(out, { ok: true, out: stringify(conv, undefined, { floatFormat: "ryu" }), dialect: conv.dialect });
  } catch (err) {
    if (!(err instanceof ConversationError)) throw err;
    Object.assign(out, { ok: false, problems: problemsOf(err) });
  }
  return out;
}

const DIALECTS = ["auto", "yoagent@0.4", "yoagent@0.8", "yoagent@0.9", "yoagent@0.13", "yoagent@0.22", "phi-core@0.7", "phi-core@0.8", "phi-core@0.9"];
const TOKENS = ['"', "\\", ",", ":", "{", "}", "[", "]", " ", "\n", "1", "-0", "1.0", "1e16", "1E+400", "0.9808861679331449", "18446744073709551616", "null", "\\ud800", '"role"', '"kind"', '"data"', '"usage"', '"cache_read"', '"cacheRead"', '"stopReason"', '"refusal"', '"paused"', '"type"', '"toolCall"', '"error_message"', '"errorMessage"', '"turnId"', '"tags"', "é", "😀", "\u2028", "\ufeff", "\t"];

function seeds(): string[] {
  const docs = fixtureCases().map(([, c]) => c.document);
  const rows = corpus("messages.jsonl.gz") ?? [];
  for (const row of rows.slice(0, 200)) docs.push(row.doc);
  return docs;
}

function mutated(seed: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.record({ op: fc.constant("insert" as const), at: fc.nat(), token: fc.constantFrom(...TOKENS) }),
    fc.record({ op: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ op: fc.constant("copy" as const), at: fc.nat(), from: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  );
  return fc.tuple(seed, fc.array(edit, { minLength: 0, maxLength: 3 })).map(([doc, edits]) => {
    for (const e of edits) {
      const at = doc.length ? e.at % (doc.length + 1) : 0;
      if (e.op === "insert") doc = doc.slice(0, at) + e.token + doc.slice(at);
      else if (e.op === "delete") doc = doc.slice(0, at) + doc.slice(at + e.len);
      else {
        const from = doc.length ? e.from % doc.length : 0;
        doc = doc.slice(0, at) + doc.slice(from, from + e.len) + doc.slice(at);
      }
    }
    return doc;
  });
}

test("TypeScript and Python agree on documents of every dialect, valid and mutated", (t) => {
  const py = python();
  if (py === null) {
    if (process.env.INTEROP_REQUIRED === "1") assert.fail("no Python with agent_conversation (set PYTHON)");
    t.skip("no Python with the agent_conversation package (set PYTHON)");
    return;
  }
  const runs = Number(process.env.PROPERTY_RUNS ?? 600);
  const arb = fc.record({ doc: mutated(fc.constantFrom(...seeds())), dialect: fc.constantFrom(...DIALECTS) });
  const requests = fc.sample(arb, { numRuns: runs, seed: Number(process.env.PROPERTY_SEED ?? 20261130) });
  const answers = askPython(py, requests);
  const diffs: string[] = [];
  requests.forEach((req, i) => {
    try {
      assert.deepStrictEqual(answerTs(req), answers[i]);
    } catch (err) {
      diffs.push(`${JSON.stringify(req)}\n${(err as Error).message.slice(0, 1500)}`);
    }
  });
  assert.deepEqual(diffs.length, 0, `${diffs.length}/${runs} differ; first:\n${diffs.slice(0, 3).join("\n\n")}`);
});

test("TypeScript and Python agree on yoagent session files, valid and mutated", (t) => {
  const py = python();
  if (py === null) {
    if (process.env.INTEROP_REQUIRED === "1") assert.fail("no Python with agent_conversation (set PYTHON)");
    t.skip("no Python with the agent_conversation package (set PYTHON)");
    return;
  }
  const message = '{"role":"user","content":[{"type":"text","text":"hi"}],"timestamp":1}';
  const base = [
    `{"id":"e1","parent_id":null,"message":${message},"timestamp":5}\n{"id":"e2","parent_id":"e1","message":${message},"timestamp":6,"label":"x"}`,
    `  {"id":"e1","parent_id":null,"message":${message},"timestamp":5}\r\n\n["e2","e1",${message},7]`,
    `{"id":"e1","parent_id":"e0","message":${message},"timestamp":5}\n{"id":"e1","parent_id":null,"message":{"role":"x","kind":"k","data":[1.5,1e16]},"timestamp":5,"label":null}`,
  ];
  const arb = fc.record({ doc: mutated(fc.constantFrom(...base)), dialect: fc.constantFrom("auto", "yoagent@0.9", "yoagent@0.13", "yoagent@0.22"), session: fc.constant(true) });
  const requests = fc.sample(arb, { numRuns: 300, seed: 7 });
  const answers = askPython(py, requests);
  const diffs: string[] = [];
  requests.forEach((req, i) => {
    try {
      assert.deepStrictEqual(answerTs(req), answers[i]);
    } catch (err) {
      diffs.push(`${JSON.stringify(req)}\n${(err as Error).message.slice(0, 1500)}`);
    }
  });
  assert.deepEqual(diffs.length, 0, `${diffs.length}/300 differ; first:\n${diffs.slice(0, 3).join("\n\n")}`);
});
