/**
 * A readable diff between an existing catalog directory and a freshly imported one: per YAML file,
 * the entries (by name) added, removed and changed, with the changed fields; for the files they
 * point at (schemas, maps, certificates, workflow definitions), which were added, removed or changed.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { differences } from "./normalise";
import { isPlainObject } from "../model/json";

export interface CatalogDiff {
  /** Human-readable lines, empty when the two catalogs are the same. */
  readonly lines: readonly string[];
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

function listFiles(dir: string, rel = ""): string[] {
  if (!fs.existsSync(path.join(dir, rel))) return [];
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(dir, p) : [p];
  });
}

function readYaml(file: string): unknown {
  try {
    return YAML.parse(fs.readFileSync(file, "utf8")) as unknown;
  } catch {
    return undefined;
  }
}

const show = (v: unknown) => (v === undefined ? "(none)" : JSON.stringify(v));

function at(value: unknown, p: string): unknown {
  let cur: unknown = value;
  for (const part of p.split(/\.|\[(\d+)\]/).filter((x) => x !== undefined && x !== "")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Compares `before` (the existing catalog) with `after` (the import). */
export function diffCatalogs(before: string, after: string): CatalogDiff {
  const lines: string[] = [];
  let added = 0;
  let removed = 0;
  let changed = 0;
  const files = [...new Set([...listFiles(before), ...listFiles(after)])].sort();
  const yamlFiles = files.filter((f) => !f.includes("/") && f.endsWith(".yaml"));
  for (const file of yamlFiles) {
    const a = readYaml(path.join(before, file));
    const b = readYaml(path.join(after, file));
    const out: string[] = [];
    const lists = new Set([...(isPlainObject(a) ? Object.keys(a) : []), ...(isPlainObject(b) ? Object.keys(b) : [])]);
    for (const list of [...lists].sort()) {
      const byName = (v: unknown) =>
        new Map(
          ((isPlainObject(v) && Array.isArray(v[list]) ? v[list] : []) as Record<string, unknown>[]).map((x) => [
            String(x?.name),
            x,
          ]),
        );
      const old = byName(a);
      const now = byName(b);
      for (const [name, x] of now) {
        const was = old.get(name);
        if (was === undefined) {
          out.push(`  + ${list}: ${name}`);
          added++;
          continue;
        }
        const diffs = differences(was, x);
        if (diffs.length === 0) continue;
        changed++;
        out.push(`  ~ ${list}: ${name}`);
        for (const d of diffs) out.push(`      ${d}: ${show(at(was, d))} -> ${show(at(x, d))}`);
      }
      for (const name of old.keys()) {
        if (!now.has(name)) {
          out.push(`  - ${list}: ${name}`);
          removed++;
        }
      }
    }
    if (out.length > 0) lines.push(`${file}`, ...out);
  }
  const other: string[] = [];
  for (const file of files.filter((f) => f.includes("/"))) {
    const pa = path.join(before, file);
    const pb = path.join(after, file);
    const ea = fs.existsSync(pa);
    const eb = fs.existsSync(pb);
    if (ea && !eb) other.push(`  - ${file}`);
    else if (!ea && eb) other.push(`  + ${file}`);
    else if (!fs.readFileSync(pa).equals(fs.readFileSync(pb))) other.push(`  ~ ${file} (content changed)`);
  }
  if (other.length > 0) lines.push("files", ...other);
  return { lines, added, removed, changed: changed + other.filter((l) => l.startsWith("  ~")).length };
}
