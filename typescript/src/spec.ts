/**
 * Dialect specifications built from the generated wire tables (src/generated/wire.ts): per
 * revision, each type's keys, order, aliases, defaults, kinds and duplicate rule, the two
 * tagged unions and the phi-core metadata. No wire key is spelled here.
 */
import { FACTS, REVISIONS } from "./generated/wire.js";

export type DialectName = keyof typeof REVISIONS;

export interface Field {
  readonly pos: number; // position in the type's fields
  readonly wire: string;
  readonly kind: string;
  readonly required: boolean;
  readonly optional: boolean; // an Option: null reads as absent, absent is not written
  readonly hasDefault: boolean;
  readonly default: unknown;
}

export interface TypeSpec {
  readonly name: string;
  readonly tag: string | null;
  readonly fields: readonly Field[]; // declaration order, tag excluded
  readonly lookup: ReadonlyMap<string, Field>; // every accepted spelling -> field
  readonly aliases: ReadonlySet<string>;
  readonly dupError: boolean;
  readonly sortedKeys: boolean;
}

export interface Union {
  readonly tag: string;
  readonly values: readonly string[]; // tag values in declaration (variant index) order
  readonly typeOf: ReadonlyMap<string, string>; // tag value -> type name
  readonly byIndex: boolean;
}

export interface Spec {
  readonly name: string;
  readonly crate: string;
  readonly stopReasons: readonly string[];
  readonly sortedKeys: boolean;
  readonly duplicatesError: boolean;
  readonly metadata: readonly string[];
  readonly metadataKinds: Readonly<Record<string, string>>;
  readonly types: ReadonlyMap<string, TypeSpec>;
  readonly unionVariants: ReadonlyMap<string, ReadonlyMap<string, TypeSpec>>; // tagged unions inside tables
  readonly unionTags: ReadonlyMap<string, string>;
  readonly enums: Readonly<Record<string, readonly string[]>>;
  readonly apiProtocols: readonly string[];
  readonly message: Union;
  readonly content: Union;
  readonly fallback: string; // the untagged AgentMessage's second reading (extension record)
  readonly wireTypes: Readonly<Record<string, string>>; // $defs name -> type name
}

interface TableLike {
  readonly order: readonly string[];
  readonly required: readonly string[];
  readonly omit_when_absent: readonly string[];
  readonly aliases: Readonly<Record<string, string>>;
  readonly defaults: Readonly<Record<string, unknown>>;
  readonly duplicates: string;
  readonly sorted_keys: boolean;
  readonly kinds: Readonly<Record<string, string>>;
}

/** The kind name of a tag key in the tables (the one value that is not a $defs name). */
export const TAG_KIND = "tag";

function typeSpec(name: string, table: TableLike): TypeSpec {
  let tag: string | null = null;
  for (const key of table.order) if (table.kinds[key] === TAG_KIND) tag = key;
  const required = new Set(table.required);
  const optional = new Set(table.omit_when_absent);
  const fields: Field[] = [];
  for (const wire of table.order) {
    if (wire === tag) continue;
    fields.push({
      pos: fields.length,
      wire,
      kind: table.kinds[wire]!,
      required: required.has(wire),
      optional: optional.has(wire),
      hasDefault: Object.prototype.hasOwnProperty.call(table.defaults, wire),
      default: table.defaults[wire],
    });
  }
  const lookup = new Map<string, Field>(fields.map((f) => [f.wire, f]));
  for (const [alias, target] of Object.entries(table.aliases)) lookup.set(alias, lookup.get(target)!);
  return {
    name,
    tag,
    fields,
    lookup,
    aliases: new Set(Object.keys(table.aliases)),
    dupError: table.duplicates === "error",
    sortedKeys: table.sorted_keys,
  };
}

function union(facts: { tag: string; variants: Readonly<Record<string, string>>; by_index: boolean }): Union {
  return {
    tag: facts.tag,
    values: Object.keys(facts.variants),
    typeOf: new Map(Object.entries(facts.variants)),
    byIndex: facts.by_index,
  };
}

const cache = new Map<string, Spec>();

export function knownDialects(): DialectName[] {
  return Object.keys(REVISIONS) as DialectName[];
}

export function getSpec(name: string): Spec {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const rev = REVISIONS[name as DialectName];
  const facts = FACTS[name as DialectName];
  const types = new Map<string, TypeSpec>();
  const unionVariants = new Map<string, Map<string, TypeSpec>>();
  const unionTags = new Map<string, string>();
  for (const [tname, table] of Object.entries(rev.types)) {
    if ("variants" in table) {
      const variants = new Map<string, TypeSpec>();
      for (const [vname, vtable] of Object.entries(table.variants)) variants.set(vname, typeSpec(tname, vtable as TableLike));
      unionVariants.set(tname, variants);
      unionTags.set(tname, table.tag);
    } else {
      types.set(tname, typeSpec(tname, table as TableLike));
    }
  }
  const spec: Spec = {
    name,
    crate: rev.crate,
    stopReasons: rev.stop_reasons,
    sortedKeys: rev.sorted_keys,
    duplicatesError: rev.message_duplicates === "error",
    metadata: rev.metadata,
    metadataKinds: facts.metadata_kinds,
    types,
    unionVariants,
    unionTags,
    enums: rev.enums as Readonly<Record<string, readonly string[]>>,
    apiProtocols: rev.api_protocols,
    message: union(facts.message),
    content: union(facts.content),
    fallback: facts.fallback[0],
    wireTypes: facts.wire_types,
  };
  cache.set(name, spec);
  return spec;
}

/** The type spec a kind names ($defs name such as `Usage`), if any. */
export function typeOfKind(spec: Spec, kind: string): TypeSpec | undefined {
  const name = spec.wireTypes[kind];
  return name === undefined ? undefined : spec.types.get(name);
}

/** The key of `ts` whose kind is `kind` (e.g. the StopReason key of the assistant message). */
export function keyOfKind(ts: TypeSpec, kind: string): string | undefined {
  return ts.fields.find((f) => f.kind === kind)?.wire;
}
