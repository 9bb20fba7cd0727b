/** Message types: each revision's generated wire types, and a guard for extension records. */
import type { MessageTypes } from "./generated/types/index.js";

export type { MessageTypes };
export type * from "./generated/types/index.js";

/** A message of any revision. */
export type AnyMessage = MessageTypes[keyof MessageTypes];

/** The extension record of each revision's union (the untagged AgentMessage's fallback). */
export type ExtensionOf<M> = M extends { kind: string; data: unknown } ? M : never;

/**
 * True for an app-only extension record. Its `role` is any string, so narrow extension records
 * away first; then `message.role === "assistant"` gives the assistant type.
 */
export function isExtension<M extends object>(message: M): message is Extract<M, ExtensionOf<M>> {
  return EXTENSION_KEYS.every((key) => Object.prototype.hasOwnProperty.call(message, key));
}

import { getSpec, knownDialects } from "./spec.js";

const EXTENSION_KEYS: readonly string[] = (() => {
  const spec = getSpec(knownDialects()[0]!);
  return spec.types.get(spec.fallback)!.fields.slice(1).map((f) => f.wire); // all but the role
})();
