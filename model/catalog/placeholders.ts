/**
 * Placeholders: values the sample catalog and stack files ship with that cannot work in a real
 * deployment (issue 9, item 6). The sample's Key Vault ids use the all-zero subscription, so the first
 * `pulumi up` would fail at the certificate, far from the cause; its e-mail addresses use domains
 * reserved for documentation.
 *
 * Found placeholders are reported like any problem (file, path, line, value, fix). Whether they are
 * warnings or errors is decided by the caller (`loadProgramInputs`): warnings in the offline plan,
 * errors when the program deploys into a real subscription.
 */
import type { Problem } from "../problems";
import type { YamlSource } from "./yamlFile";

interface Placeholder {
  readonly pattern: RegExp;
  readonly what: string;
  readonly fix: string;
}

const PLACEHOLDERS: readonly Placeholder[] = [
  {
    pattern: /\b0{8}-0{4}-0{4}-0{4}-0{12}\b/,
    what: "the all-zero placeholder subscription id",
    fix: "put your own value here (for a Key Vault: the vault's resource id, Azure portal → Key Vault → Properties → Resource ID)",
  },
  {
    // Domains reserved for documentation (RFC 2606, RFC 6761): example.com/.net/.org, *.example, *.invalid.
    pattern:
      /(?<![a-z0-9-])(?:[a-z0-9-]+\.)*(?:example\.(?:com|net|org)|[a-z0-9-]+\.(?:example|invalid))(?![a-z0-9.-])/i,
    what: "a domain reserved for documentation examples",
    fix: "put your own (or your partner's) real address here, or remove the entry",
  },
];

/** What placeholder `value` holds, if any. */
export function placeholderIn(value: string): Placeholder | undefined {
  return PLACEHOLDERS.find((p) => p.pattern.test(value));
}

/** A problem for `value` at `path` when it holds a placeholder. */
export function placeholderProblem(
  at: { readonly file: string; readonly path: string; readonly line?: number },
  value: string,
): Problem | undefined {
  const found = placeholderIn(value);
  if (found === undefined) return undefined;
  return {
    ...at,
    value,
    message: `still holds ${found.what}, a placeholder of the sample`,
    fix: found.fix,
  };
}

/** Placeholders in every string of a catalog YAML file. */
export function placeholderProblems(source: YamlSource): Problem[] {
  const out: Problem[] = [];
  for (const { path, node } of source.scalars()) {
    if (typeof node.value !== "string" || placeholderIn(node.value) === undefined) continue;
    const where = source.problem(path, node.value, "", "");
    const problem = placeholderProblem({ file: where.file, path: where.path, line: where.line }, node.value);
    if (problem !== undefined) out.push(problem);
  }
  return out;
}

/** One line for a warning: `file:line  path = value: message; fix: ...`. */
export function placeholderWarning(p: Problem, consequence: string): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return `${where} ${p.path} = ${JSON.stringify(p.value)} ${p.message} (${consequence}); fix: ${p.fix}`;
}
