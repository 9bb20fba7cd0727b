/** Every golden and invalid fixture, every dialect: verdict, canonical bytes, error location. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse, stringify, detect, ConversationError } from "../src/index.js";
import { fixtureCases } from "./helpers.js";

const CASES = fixtureCases();
const enc = new TextEncoder();

test("there are fixtures", () => {
  assert.ok(CASES.length > 50, `only ${CASES.length} cases`);
});

test("parse + stringify agree with every fixture in every dialect (string and bytes)", () => {
  const failures: string[] = [];
  let checked = 0;
  for (const [id, c] of CASES) {
    for (const [dialect, outcome] of Object.entries(c.expect)) {
      for (const data of [c.document, enc.encode(c.document)]) {
        checked++;
        if (outcome.valid) {
          try {
            const conv = parse(data, dialect);
            const out = stringify(conv, dialect, { floatFormat: "ryu" });
            if (out !== outcome.canonical) failures.push(`${id} ${dialect}: wrote ${out}\n   expected ${outcome.canonical}`);
            const again = stringify(parse(outcome.canonical!, dialect), undefined, { floatFormat: "ryu" });
            if (again !== outcome.canonical) failures.push(`${id} ${dialect}: canonical is not a fixed point`);
          } catch (err) {
            failures.push(`${id} ${dialect}: refused: ${err instanceof ConversationError ? JSON.stringify(err.problems) : String(err)}`);
          }
        } else {
          try {
            parse(data, dialect);
            failures.push(`${id} ${dialect}: accepted, the crate refuses (${outcome.rule})`);
          } catch (err) {
            if (!(err instanceof ConversationError)) throw err;
            if (!err.problems.some((p) => p.index === outcome.index && p.pointer === outcome.pointer))
              failures.push(`${id} ${dialect}: wanted ${outcome.index} ${outcome.pointer}, got ${JSON.stringify(err.problems)}`);
          }
        }
      }
    }
  }
  assert.ok(checked > 0);
  assert.deepEqual(failures, [], failures.slice(0, 10).join("\n"));
});

test("detect lists exactly the accepting dialects", () => {
  const failures: string[] = [];
  for (const [id, c] of CASES) {
    const accepting = Object.entries(c.expect)
      .filter(([, o]) => o.valid)
      .map(([d]) => d)
      .sort();
    const detected = detect(c.document).slice().sort();
    if (JSON.stringify(accepting) !== JSON.stringify(detected)) failures.push(`${id}: ${detected} != ${accepting}`);
  }
  assert.deepEqual(failures, [], failures.slice(0, 10).join("\n"));
});
