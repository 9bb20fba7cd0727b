/** A JSON value as the package reads and writes it (free JSON: tool arguments, extension data). */
import type { JsonFloat } from "./numbers.js";

/** Integers are numbers (bigint beyond 2^53); a float with an integral value (`1.0`) is a
 * JsonFloat so that it is written back as a float. */
export type JsonValue = null | boolean | string | number | bigint | JsonFloat | JsonValue[] | { [key: string]: JsonValue };
