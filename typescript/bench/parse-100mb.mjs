// Benchmark: parse + validate of a ~100 MB conversation (the package's exact reader) against
// JSON.parse on the same text, printed as a ratio (target: within 2x). Run: npm run bench
// (SIZE_MB=20 for a quicker run).
import { parse } from "../dist/index.js";
import { exactParse, read } from "../dist/document.js";

const sizeMb = Number(process.env.SIZE_MB ?? 100);
const unit = JSON.stringify([
  { role: "user", content: [{ type: "text", text: "Please list the files in the repository and explain them." }], timestamp: 1700000000000 },
  {
    role: "assistant",
    content: [
      { type: "thinking", thinking: "The user wants a listing; call bash.", signature: "sig-abc" },
      { type: "toolCall", id: "tc-1", name: "bash", arguments: { command: "ls -la", timeout: 30, env: { A: "1" } } },
    ],
    stopReason: "toolUse", model: "claude-sonnet", provider: "anthropic",
    usage: { input: 1200, output: 80, cacheRead: 1000, cacheWrite: 0, totalTokens: 2280 }, timestamp: 1700000001000,
  },
  { role: "toolResult", toolCallId: "tc-1", toolName: "bash", content: [{ type: "text", text: "total 8\ndrwxr-xr-x  src\n-rw-r--r--  README.md" }], isError: false, timestamp: 1700000002000 },
]).slice(1, -1);
const copies = Math.ceil((sizeMb * 1024 * 1024) / (unit.length + 1));
const text = "[" + Array(copies).fill(unit).join(",") + "]";
console.log(`document: ${(text.length / 1048576).toFixed(1)} MB, ${copies * 3} messages`);

function time(fn) {
  const best = [];
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    best.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return Math.min(...best);
}
const base = time(() => JSON.parse(text));
const ours = time(() => parse(text, "yoagent@0.13"));
console.log(`JSON.parse: ${base.toFixed(0)} ms; parse(text, "yoagent@0.13"): ${ours.toFixed(0)} ms`);
console.log(`ratio: ${(ours / base).toFixed(2)}x JSON.parse (target <= 2x)`);

// The exact path (what a document with repeated keys, `1.0`-style floats, big integers or
// exponents takes): the package's own serde_json parser on the same text.
const exact = time(() => read(exactParse(text), "yoagent@0.13"));
console.log(`exact path only: ${exact.toFixed(0)} ms, ${(exact / base).toFixed(2)}x JSON.parse`);
