/**
 * Compiled with the tests (tsc --strict, tsconfig.test.json): a problem kind outside
 * schema/problem-kinds.json does not compile. Each `@ts-expect-error` fails the build if the
 * line below it compiles, so widening `ProblemKind` (or `Problem.kind`) to `string` breaks `npm test`.
 */
import { type Problem, type ProblemKind, PROBLEM_KINDS } from "../src/index.js";
import { Reject } from "../src/reader.js";

export const known: ProblemKind = "wrong-type";
// @ts-expect-error -- the old kind "type" is no kind of the vocabulary
export const old: ProblemKind = "type";
// @ts-expect-error -- nor is any other string
export const made: Problem = { index: null, pointer: "", line: null, column: null, message: "", kind: "missing" };
// @ts-expect-error -- a Reject takes a kind of the vocabulary too
export const rejected = new Reject([], "", "range");
// @ts-expect-error -- and the table has no other keys
export const meaning: string = PROBLEM_KINDS["unknown"];
