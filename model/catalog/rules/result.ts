/**
 * What every catalog rule returns: the checked value plus its own problems and warnings. Rules never
 * push into arrays they were handed; the loader concatenates what they return.
 */
import { nameProblem } from "../../naming";
import type { Problem } from "../../problems";
import type { YamlSource } from "../yamlFile";

export interface Checked<T> {
  readonly value: T;
  readonly problems: readonly Problem[];
  readonly warnings: readonly string[];
}

/** A problem at `path` of `source`; without a source (an optional file that is absent) at `file`. */
export function locate(
  source: YamlSource | undefined,
  file: string,
  path: readonly PropertyKey[],
  value: unknown,
  message: string,
  fix: string,
): Problem {
  if (source) return source.problem(path, value, message, fix);
  return { file, path: path.join("."), value, message, fix };
}

/** Names Azure refuses, and names repeated case-insensitively, in one list of named items. */
export function nameProblems(
  items: readonly { readonly name: string }[],
  kind: string,
  listPath: string,
  source: YamlSource | undefined,
  file: string,
): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const p = [listPath, i, "name"];
    const bad = nameProblem("artifact", item.name);
    if (bad !== undefined) {
      problems.push(
        locate(
          source,
          file,
          p,
          item.name,
          `${kind} name ${bad}`,
          "rename it: 1-80 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'",
        ),
      );
    }
    const key = item.name.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(
        locate(
          source,
          file,
          p,
          item.name,
          `duplicates the ${kind} name at ${listPath}[${first}] (Azure names are case-insensitive)`,
          `give each ${kind} a unique name`,
        ),
      );
    } else seen.set(key, i);
  });
  return problems;
}
