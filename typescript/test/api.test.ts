/** The public API's behaviour beyond the fixtures: writing other revisions, hand-built messages,
 * numbers, float formats, bytes input, errors. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ConversationError, JsonFloat, detect, isExtension, parse, stringify, parseSession, stringifySession } from "../src/index.js";

const SNAKE = '[{"role":"assistant","content":[],"stopReason":"stop","model":"m","provider":"p","usage":{"input":1,"output":2,"cache_read":3,"cache_write":4,"total_tokens":10},"timestamp":1,"error_message":"e"}]';

test("writing a newer revision of the same crate renames, an older one refuses what it would lose", () => {
  const old = parse(SNAKE, "yoagent@0.4");
  const camel = stringify(old, "yoagent@0.13", { floatFormat: "ryu" });
  assert.equal(camel, SNAKE.replace("cache_read", "cacheRead").replace("cache_write", "cacheWrite").replace("total_tokens", "totalTokens").replace("error_message", "errorMessage"));
  const back = parse(camel, "yoagent@0.13");
  assert.throws(() => stringify(back, "yoagent@0.4"), (err: unknown) => err instanceof ConversationError && err.problems.some((p) => p.index === 0));
  assert.throws(() => stringify(back, "phi-core@0.9"), /crosses crates/);
});

test("hand-built messages are checked by the target's reader", () => {
  const messages = [{ role: "user", content: [{ type: "text", text: "hi" }], timestamp: 5 }];
  assert.equal(stringify({ messages }, "yoagent@0.13"), '[{"role":"user","content":[{"type":"text","text":"hi"}],"timestamp":5}]');
  assert.throws(() => stringify({ messages }), /name the dialect/);
  const bad = [{ role: "user", content: [{ type: "text", text: "hi" }], timestamp: -1 }];
  assert.throws(() => stringify({ messages: bad }, "yoagent@0.13"), (err: unknown) => err instanceof ConversationError && err.problems[0]!.pointer === "/0/timestamp");
  const unknownKey = [{ role: "user", content: [], timestamp: 1, mood: "ok" }];
  assert.throws(() => stringify({ messages: unknownKey }, "yoagent@0.13"), /mood/);
  const lone = [{ role: "x", kind: "k", data: "\ud800" }];
  assert.throws(() => stringify({ messages: lone }, "yoagent@0.13"), /lone surrogate/);
});

test("numbers: 1.0 stays a float, big integers stay exact, floats in both layouts", () => {
  const text = '[{"role":"x","kind":"k","data":[1.0,1e16,18446744073709551615,-9223372036854775808,0.5,-0]}]';
  const conv = parse(text, "yoagent@0.13");
  const data = (conv.messages[0] as { data: unknown[] }).data;
  assert.ok(data[0] instanceof JsonFloat && data[1] instanceof JsonFloat);
  assert.equal(data[2], 18446744073709551615n);
  assert.equal(data[3], -9223372036854775808n);
  assert.equal(conv.floatFormat, "ryu"); // `1e16` has no `+`
  assert.equal(stringify(conv), '[{"role":"x","kind":"k","data":[1.0,1e16,18446744073709551615,-9223372036854775808,0.5,-0.0]}]');
  assert.equal(stringify(conv, undefined, { floatFormat: "zmij" }), '[{"role":"x","kind":"k","data":[1.0,1e+16,18446744073709551615,-9223372036854775808,0.5,-0.0]}]');
  assert.equal(parse(text.replace("1e16", "1e+16")).floatFormat, "zmij");
});

test("bytes input, UTF-8 and syntax errors carry serde's line and column", () => {
  const bytes = new TextEncoder().encode('[{"role":"user","content":[],"timestamp":1}]');
  assert.equal(parse(bytes, "yoagent").dialect, "yoagent@0.22");
  assert.throws(() => parse(new Uint8Array([0x5b, 0xff, 0x5d])), (err: unknown) => err instanceof ConversationError && /not valid UTF-8/.test(err.problems[0]!.message));
  try {
    parse('[\n  {"role": "user",}\n]', "yoagent@0.13");
    assert.fail("accepted");
  } catch (err) {
    assert.ok(err instanceof ConversationError);
    assert.deepEqual([err.problems[0]!.line, err.problems[0]!.column, err.problems[0]!.message], [2, 19, "trailing comma"]);
  }
  assert.deepEqual(detect("not json"), []);
});

test("a syntax error after refused elements: the elements' problems, then the error (document order)", () => {
  const doc = '[{"role":"user"},{"role":"user","content":[],"timestamp":1},{"role":"x"} oops';
  try {
    parse(doc, "yoagent@0.13");
    assert.fail("accepted");
  } catch (err) {
    assert.ok(err instanceof ConversationError);
    assert.deepEqual(
      err.problems.map((p) => [p.index, p.pointer, p.line, p.column]),
      [[0, "/0", 1, 2], [2, "/2/role", 1, 69], [null, "", 1, 74]],
    );
    assert.equal(err.problems[2]!.message, "expected `,` or `]`");
  }
  // an error before any element is complete is the only problem
  assert.throws(() => parse('[{"role":"x" oops', "yoagent@0.13"), (err: unknown) => err instanceof ConversationError && err.problems.length === 1);
});

test("an exponent past i32 fails at its overflowing digit, as serde_json does", () => {
  for (const [literal, column] of [["1844671E+40044073709551615", 51], ["-1e2147483648", 45]] as const) {
    const doc = `[{"role":"x","kind":"k","data":[${literal}]}]`;
    try {
      parse(doc, "yoagent@0.13");
      assert.fail("accepted");
    } catch (err) {
      assert.ok(err instanceof ConversationError);
      assert.deepEqual([err.problems[0]!.message, err.problems[0]!.column], ["number out of range", column]);
    }
  }
});

test("isExtension narrows extension records away", () => {
  const conv = parse('[{"role":"user","kind":"k","data":null},{"role":"user","content":[],"timestamp":1}]', "yoagent@0.13");
  assert.deepEqual(conv.messages.map((m) => isExtension(m)), [true, false]);
});

test("sessions: the tree checks and the exact bytes", () => {
  const line = (id: string, parent: string, ts: number) => `{"id":"${id}","parent_id":${parent},"message":{"role":"user","content":[],"timestamp":1},"timestamp":${ts}}`;
  const text = [line("e1", "null", 5), line("e2", '"e1"', 6)].join("\n");
  const session = parseSession(text, "yoagent@0.26.6");
  assert.equal(session.entries.length, 2);
  assert.equal(stringifySession(session), text);
  assert.throws(() => parseSession([line("e1", "null", 5), line("e1", "null", 6)].join("\n")), (err: unknown) => err instanceof ConversationError && err.problems[0]!.line === 2);
  assert.throws(() => parseSession(line("e2", '"e9"', 5)), /not defined on an earlier line/);
});
