// Answers interop requests with the TypeScript package (tests/test_typescript_interop.py):
// one {"dialect", "doc", "kind"} per line on stdin, one {"ok", "out"} per line on stdout
// (floats in ryu's layout, as the harness's serde_json 1.0.146 writes them).
import { readFileSync } from "node:fs";
import { parse, stringify, parseSession, stringifySession, ConversationError } from "../dist/index.js";

const out = [];
for (const line of readFileSync(0, "utf8").split("\n")) {
  if (!line.trim()) continue;
  const { dialect, doc, kind } = JSON.parse(line);
  try {
    const text =
      kind === "session"
        ? stringifySession(parseSession(doc, dialect), undefined, { floatFormat: "ryu" })
        : stringify(parse(doc, dialect), undefined, { floatFormat: "ryu" });
    out.push(JSON.stringify({ ok: true, out: text }));
  } catch (err) {
    if (!(err instanceof ConversationError)) throw err;
    out.push(JSON.stringify({ ok: false, error: err.message }));
  }
}
process.stdout.write(out.join("\n") + "\n");
