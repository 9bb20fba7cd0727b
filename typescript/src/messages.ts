/** Message types: the union of every revision's generated wire types. */
export type AnyMessage = Record<string, unknown>;
