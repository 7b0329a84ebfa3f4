/**
 * Deterministic JSON: object keys sorted at every level, so that anything serialized into a resource
 * input or a plan file is byte-identical from run to run (no perpetual diffs).
 */

export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/** A deep copy of `value` with object keys in sorted order; `undefined` members are dropped. */
export function canonical<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => canonical(v)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out as T;
  }
  return value;
}

/** `JSON.stringify` of the canonical form, indented, with a trailing newline. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(canonical(value), null, 2)}\n`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Deep merge of plain objects: later layers win; arrays and scalars are replaced, not merged. */
export function deepMerge<T>(base: T, ...layers: readonly unknown[]): T {
  let out: unknown = base;
  for (const layer of layers) out = mergeTwo(out, layer);
  return out as T;
}

function mergeTwo(base: unknown, layer: unknown): unknown {
  if (layer === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(layer)) return layer;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(layer)) out[key] = mergeTwo(base[key], value);
  return out;
}
