// Run by scripts/generate_typescript.py: compile each revision's wire-view schema to TypeScript
// with the pinned json-schema-to-typescript. Reads [{name, schema}] on stdin, writes {name: ts}.
import { readFileSync } from "node:fs";
import { compile } from "json-schema-to-typescript";

const U64_MAX = 18446744073709551615;

/** Wire-view adjustments the generator cannot infer: exact objects, u64 as number | bigint,
 * free JSON as JsonValue (the package's parsed-value type). */
function adjust(node) {
  if (Array.isArray(node)) return node.map(adjust);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) out[k] = adjust(v);
  if (out.type === "object" && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  if (out.type === "integer" && typeof out.maximum === "number" && out.maximum >= U64_MAX) out.tsType = "number | bigint";
  if (out["x-free-json"] === true) out.tsType = "JsonValue";
  return out;
}

const jobs = JSON.parse(readFileSync(0, "utf8"));
const result = {};
for (const job of jobs) {
  const schema = adjust(JSON.parse(readFileSync(job.schema, "utf8")));
  const body = await compile(schema, "SavedConversation", {
    bannerComment: "",
    additionalProperties: false,
    unreachableDefinitions: true,
    strictIndexSignatures: true,
    format: true,
    style: { printWidth: 100 },
  });
  result[job.name] = 'import type { JsonValue } from "../../json-value.js";\n\n' + body;
}
process.stdout.write(JSON.stringify(result));
