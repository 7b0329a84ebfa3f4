/**
 * Reads one YAML file of the catalog and checks it against a zod schema, turning every YAML syntax
 * error and every schema issue into a `Problem` with the file, the path and the line.
 */
import * as fs from "fs";
import * as YAML from "yaml";
import { z } from "zod";
import { Problem, pathText, showValue } from "../problems";

/** A parsed YAML document that can tell the line of any path in it. */
export class YamlSource {
  private constructor(
    readonly file: string,
    private readonly doc: YAML.Document.Parsed,
    private readonly lines: YAML.LineCounter,
  ) {}

  /**
   * Parses `absolutePath`; `file` is the name used in messages. Returns the syntax problems instead
   * when the file is missing or is not valid YAML.
   */
  static read(absolutePath: string, file: string): YamlSource | Problem[] {
    let text: string;
    try {
      text = fs.readFileSync(absolutePath, "utf8");
    } catch {
      return [
        {
          file,
          path: "(file)",
          message: "cannot be read: the file does not exist",
          fix: `create ${file} (see the catalog format in the README)`,
        },
      ];
    }
    const lines = new YAML.LineCounter();
    const doc = YAML.parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
      return doc.errors.map((e) => ({
        file,
        path: "(YAML syntax)",
        line: e.linePos?.[0]?.line,
        message: e.message.split("\n")[0] ?? e.message,
        fix: "correct the YAML syntax at that line (indentation, brackets, quotes, duplicate keys)",
      }));
    }
    return new YamlSource(file, doc, lines);
  }

  /** The plain JavaScript value of the document. */
  value(): unknown {
    return this.doc.toJS() ?? {};
  }

  /** 1-based line of the node at `path`, or of its nearest existing ancestor. */
  lineOf(path: readonly PropertyKey[]): number | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n) as unknown[], true) as YAML.Node | undefined;
      const offset = node?.range?.[0];
      if (offset !== undefined) return this.lines.linePos(offset).line;
      if (n === 0) {
        const root = this.doc.contents?.range?.[0];
        return root === undefined ? undefined : this.lines.linePos(root).line;
      }
    }
    return undefined;
  }

  /** Line of the key `key` of the map at `path` (for "unknown key" problems). */
  lineOfKey(path: readonly PropertyKey[], key: string): number | undefined {
    const map = path.length === 0 ? this.doc.contents : this.doc.getIn(path as unknown[], true);
    if (YAML.isMap(map)) {
      const pair = map.items.find((item) => YAML.isScalar(item.key) && item.key.value === key);
      const offset = YAML.isScalar(pair?.key) ? pair?.key.range?.[0] : undefined;
      if (offset !== undefined) return this.lines.linePos(offset).line;
    }
    return this.lineOf(path);
  }

  /** A problem located at `path` in this file. */
  problem(path: readonly PropertyKey[], value: unknown, message: string, fix: string): Problem {
    return { file: this.file, path: pathText(path), line: this.lineOf(path), value, message, fix };
  }

  /**
   * Checks `value` (found at `base` in this file) against `schema`; returns the data or the problems.
   */
  check<S extends z.ZodType>(
    schema: S,
    value: unknown,
    base: readonly PropertyKey[] = [],
  ): { data: z.infer<S>; problems: [] } | { data: undefined; problems: Problem[] } {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return { data: result.data, problems: [] };
    const problems: Problem[] = [];
    for (const issue of result.error.issues) {
      const path = [...base, ...issue.path];
      if (issue.code === "unrecognized_keys") {
        const allowed = allowedKeys(schema, issue.path);
        for (const key of issue.keys) {
          problems.push({
            file: this.file,
            path: pathText([...path, key]),
            line: this.lineOfKey(path, key),
            value: (issue.input as Record<string, unknown> | undefined)?.[key],
            message: "is not a known setting here",
            fix: allowed.length > 0 ? `remove it, or use one of: ${allowed.join(", ")}` : "remove it",
          });
        }
        continue;
      }
      problems.push({
        file: this.file,
        path: pathText(path),
        line: this.lineOf(path),
        value: issue.input,
        message: issue.input === undefined ? "is required but missing" : describe(issue),
        fix: fixFor(issue),
      });
    }
    return { data: undefined, problems };
  }
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `has the wrong type: expected ${issue.expected}`;
    case "invalid_value":
      return "is not one of the allowed values";
    case "too_small":
      return `is too small or too short (minimum ${String(issue.minimum)})`;
    case "too_big":
      return `is too large or too long (maximum ${String(issue.maximum)})`;
    default:
      return issue.message;
  }
}

function fixFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "array"
        ? "give a YAML list (items starting with '- ')"
        : issue.expected === "object"
          ? "give a YAML mapping (key: value lines)"
          : `give a ${issue.expected}${issue.expected === "string" ? ' (quote values such as "00401" or "850")' : ""}`;
    case "invalid_value":
      return `use one of: ${issue.values.map((v) => showValue(v)).join(", ")}`;
    case "too_small":
      return issue.origin === "array"
        ? `give at least ${String(issue.minimum)} item(s)`
        : `give at least ${String(issue.minimum)}`;
    case "too_big":
      return `give at most ${String(issue.maximum)}`;
    default:
      return "see the catalog format in the README";
  }
}

/** The keys the object schema at `path` inside `schema` accepts. */
export function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const part of path) {
    if (current instanceof z.ZodArray && typeof part === "number") current = unwrap(current.element as z.ZodType);
    else if (current instanceof z.ZodObject && typeof part === "string") {
      const next: z.ZodType | undefined = (current.shape as Record<string, z.ZodType>)[part];
      current = next === undefined ? undefined : unwrap(next);
    } else current = undefined;
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape as object) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodPipe) s = s.out as z.ZodType;
    else return s;
  }
}
