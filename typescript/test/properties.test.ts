/**
 * Property tests: documents of every dialect (fixtures and corpus, valid and mutated by
 * fast-check) read by TypeScript and by the Python package (a subprocess answers); the verdict,
 * the bytes written, every problem (index, path, pointer, line, column, message, kind) and detect() agree.
 */
import { type TestContext, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parse, stringify, detect, ConversationError, PROBLEM_KINDS, parseSession, stringifySession } from "../src/index.js";
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

/** The Python to ask, or null after skipping `t` (a failure when INTEROP_REQUIRED=1). */
function pythonOrSkip(t: TestContext): string | null {
  const py = python();
  if (py === null) {
    if (process.env.INTEROP_REQUIRED === "1") assert.fail("no Python with agent_conversation (set PYTHON)");
    t.skip("no Python with the agent_conversation package (set PYTHON)");
  }
  return py;
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
  return err.problems.map((p) => ({ index: p.index, pointer: p.pointer, line: p.line, column: p.column, message: p.message, kind: p.kind, path: [...p.path] }));
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
  const py = pythonOrSkip(t);
  if (py === null) return;
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
  const py = pythonOrSkip(t);
  if (py === null) return;
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

/** Each problem's [index, pointer, kind] (the kinds in document order). */
function kindsOf(answer: unknown): Array<[unknown, unknown, unknown]> {
  const problems = (answer as { problems?: Array<{ index: unknown; pointer: unknown; kind: unknown }> }).problems ?? [];
  return problems.map((p) => [p.index, p.pointer, p.kind]);
}

test("every refusal of fixtures/invalid and of a corpus sample: the TypeScript kinds are Python's, the fixture's rule", (t) => {
  const py = pythonOrSkip(t);
  if (py === null) return;
  const requests: Request[] = [];
  const rules: Array<{ id: string; index: number | null | undefined; pointer: string | undefined; rule: string | undefined }> = [];
  for (const [id, c] of fixtureCases()) {
    if (!id.startsWith("invalid/")) continue;
    for (const [dialect, outcome] of Object.entries(c.expect)) {
      if (outcome.valid) continue;
      requests.push({ doc: c.document, dialect });
      rules.push({ id: `${id} ${dialect}`, index: outcome.index, pointer: outcome.pointer, rule: outcome.rule });
    }
  }
  const fixtureCount = requests.length;
  const rows = corpus("messages.jsonl.gz") ?? [];
  const sample = Number(process.env.KIND_SAMPLE ?? 400);
  // Rows every crate version refuses (the corpus names crate versions, not dialects), each read
  // under the next dialect in turn.
  const refused = rows.filter((row) => Object.values(row.expect).every((e) => !e.ok)).slice(0, sample);
  refused.forEach((row, i) => requests.push({ doc: row.doc, dialect: DIALECTS[1 + (i % (DIALECTS.length - 1))]! }));
  assert.ok(fixtureCount > 100 && requests.length > fixtureCount + 100, `${fixtureCount} fixture and ${requests.length - fixtureCount} corpus refusals`);
  const answers = askPython(py, requests);
  const failures: string[] = [];
  const ruled = new Set<string>();
  requests.forEach((req, i) => {
    const ts = answerTs(req);
    const mine = kindsOf(ts);
    const theirs = kindsOf(answers[i]);
    if (!mine.length) failures.push(`${JSON.stringify(req)}: TypeScript accepts it`);
    else if (JSON.stringify(mine) !== JSON.stringify(theirs)) failures.push(`${JSON.stringify(req)}: TypeScript ${JSON.stringify(mine)}, Python ${JSON.stringify(theirs)}`);
    const want = rules[i];
    if (want?.rule !== undefined) {
      ruled.add(want.rule);
      const at = mine.find(([index, pointer]) => index === want.index && pointer === want.pointer);
      if (at?.[2] !== want.rule) failures.push(`${want.id}: rule ${want.rule}, TypeScript says ${JSON.stringify(at ?? mine)}`);
    }
  });
  for (const rule of ruled) assert.ok(rule in PROBLEM_KINDS, `fixture rule ${rule} is no kind`);
  assert.ok(ruled.size >= 15, `only ${ruled.size} distinct rules checked`);
  assert.deepEqual(failures, [], `${failures.length}/${requests.length} differ:\n${failures.slice(0, 8).join("\n")}`);
});
