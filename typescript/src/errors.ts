/** Problems found in a saved conversation, and the error that carries them. */
import type { ProblemKind } from "./generated/problem-kinds.js";

export type { ProblemKind } from "./generated/problem-kinds.js";
export { PROBLEM_KINDS } from "./generated/problem-kinds.js";

/**
 * One problem (or, in `Conversation.notes`, one round-trip observation). `index` is the message
 * position (null for the document as a whole), `path` the keys and indexes from the document
 * root (Python's `Problem.path`) and `pointer` the same as an RFC 6901 JSON pointer, `line`/`column` 1-based as serde_json counts them (column in UTF-8 bytes),
 * `kind` one of the documented vocabulary (schema/problem-kinds.json, Python's `errors.KINDS`).
 */
export interface Problem {
  readonly index: number | null;
  readonly path: readonly (string | number)[];
  readonly pointer: string;
  readonly line: number | null;
  readonly column: number | null;
  readonly message: string;
  readonly kind: ProblemKind;
}

/** A problem at `where`: a path, or a pointer (read as Python's `parse_pointer` reads it). */
export function problem(
  index: number | null,
  where: string | readonly (string | number)[],
  line: number | null,
  column: number | null,
  message: string,
  kind: ProblemKind = "invalid",
): Problem {
  const path = typeof where === "string" ? parsePointer(where) : [...where];
  return { index, path, pointer: typeof where === "string" ? where : pointer(where), line, column, message, kind };
}

export function describeProblem(p: Problem): string {
  const where = p.index !== null ? `message ${p.index}` : "document";
  return `${where}${p.pointer ? ` (${p.pointer})` : ""}: ${p.message}`;
}

/** A conversation could not be read, written or converted; `problems` says why. */
export class ConversationError extends Error {
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[] | string) {
    const list = typeof problems === "string" ? [problem(null, "", null, null, problems, "argument")] : [...problems];
    super(summary(list));
    this.name = "ConversationError";
    this.problems = list;
  }
}

function summary(problems: readonly Problem[]): string {
  const first = problems[0];
  if (first === undefined) return "invalid conversation";
  let text = describeProblem(first);
  if (first.line !== null) text += ` at line ${first.line} column ${first.column}`;
  const more = problems.length - 1;
  return text + (more ? ` (and ${more} more problem${more > 1 ? "s" : ""})` : "");
}

/** The path of an RFC 6901 pointer; all-digit parts (no leading zero) are array indexes. */
export function parsePointer(text: string): Array<string | number> {
  if (!text) return [];
  return text
    .slice(1)
    .split("/")
    .map((raw) => {
      const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      return /^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part;
    });
}

/** RFC 6901 pointer for a path of keys and indexes. */
export function pointer(path: Iterable<string | number>): string {
  let out = "";
  for (const part of path) out += "/" + String(part).replace(/~/g, "~0").replace(/\//g, "~1");
  return out;
}
