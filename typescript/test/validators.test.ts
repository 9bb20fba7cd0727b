/** The ahead-of-time ajv validators (JSON Schema's view) agree with the fixtures they can judge. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { validators } from "agent-conversation-format/validators";
import { fixtureCases } from "./helpers.js";

test("standalone validators accept every loading document and reject what JSON Schema can express", () => {
  const failures: string[] = [];
  let judged = 0;
  for (const [id, c] of fixtureCases()) {
    // JSON.parse (what an ajv user has) rounds integers beyond 2^53: 2^64 and 2^64 - 1 are the
    // same double, so the u64 bound cannot be judged there (see README, "What JSON Schema cannot see").
    if (/[0-9]{16,}/.test(c.document)) continue;
    let data: unknown;
    try {
      data = JSON.parse(c.document);
    } catch {
      continue; // not JSON to JSON.parse: nothing for a schema validator to see
    }
    for (const [dialect, outcome] of Object.entries(c.expect)) {
      const validate = validators[dialect as keyof typeof validators];
      if (validate === undefined) continue;
      const ok = validate(data);
      if (outcome.valid && !ok) failures.push(`${id} ${dialect}: loads, validator rejects: ${JSON.stringify(validate.errors?.slice(0, 2))}`);
      if (!outcome.valid && (c as { schema_can_express?: boolean }).schema_can_express && ok) failures.push(`${id} ${dialect}: refused, validator accepts`);
      judged++;
    }
  }
  assert.ok(judged > 100, `only ${judged} judged`);
  assert.deepEqual(failures, [], failures.slice(0, 5).join("\n"));
});
