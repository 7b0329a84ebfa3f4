/**
 * Everything the program decides from before declaring a resource: the typed stack config and the
 * validated catalog. All problems in both are collected and thrown together, so an invalid input
 * registers nothing.
 */
import * as path from "path";
import { Catalog, loadCatalog } from "./catalog";
import { DEFAULT_STACK_CONTEXT, PROJECT, StackConfig, StackContext, parseStackConfig } from "./config";
import { placeholderProblem, placeholderWarning } from "./catalog/placeholders";
import { pairProblems } from "./pair";
import { InputError, Problem } from "./problems";
import { skuProblems } from "./sku";

export interface InputOptions {
  /**
   * What placeholders of the sample (an all-zero subscription id, a documentation domain) are:
   * `warn` (the offline plan, the runbook) or `refuse` (a deployment into a real subscription).
   * Default: `warn`.
   */
  readonly placeholders?: "warn" | "refuse";
}

/** The all-zero subscription id: what the offline plan's engine reports when no subscription is set. */
export function isPlaceholderSubscription(subscriptionId: string): boolean {
  return /^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(subscriptionId);
}

export interface ProgramInputs {
  readonly config: StackConfig;
  readonly catalog: Catalog;
  readonly warnings: readonly string[];
}

/**
 * @param rawConfig   all config values of the stack (fully qualified keys)
 * @param configFile  the stack's config file name, for messages (`Pulumi.<stack>.yaml`)
 * @param projectDir  the project directory; a relative catalogPath is resolved against it
 */
export function loadProgramInputs(
  rawConfig: Readonly<Record<string, unknown>>,
  configFile: string,
  projectDir: string,
  /** Catalogs already loaded, by directory: stacks sharing a catalog read it once. */
  catalogs?: Map<string, Catalog | InputError>,
  /** The stack's organization and project (to derive the peer stack's name). */
  context: StackContext = DEFAULT_STACK_CONTEXT,
  options: InputOptions = {},
): ProgramInputs {
  const parsed = parseStackConfig(rawConfig, configFile, context);
  if (!parsed.ok) throw new InputError(parsed.problems);
  const config = parsed.config;
  const problems: Problem[] = pairProblems(config, configFile, projectDir);
  let catalog: Catalog | undefined;
  const dir = path.resolve(projectDir, config.catalogPath);
  let loaded = catalogs?.get(dir);
  if (loaded === undefined) {
    try {
      loaded = loadCatalog(dir, { displayRoot: projectDir });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      loaded = e;
    }
    catalogs?.set(dir, loaded);
  }
  if (loaded instanceof InputError) problems.push(...loaded.problems);
  else catalog = loaded;
  if (catalog !== undefined) {
    problems.push(...skuProblems(config.integrationAccountSku, catalog, configFile, config.nonProduction));
  }
  const placeholders = [
    ...config.alertEmails.flatMap(
      (email, i) => placeholderProblem({ file: configFile, path: `${PROJECT}:alertEmails[${i}]` }, email) ?? [],
    ),
    ...(catalog?.placeholders ?? []),
  ];
  if (options.placeholders === "refuse") problems.push(...placeholders);
  if (problems.length > 0 || catalog === undefined) throw new InputError(problems);
  return {
    config,
    catalog,
    warnings: [
      ...parsed.warnings,
      ...catalog.warnings,
      ...placeholders.map((p) => placeholderWarning(p, "a deployment into a real subscription refuses it")),
    ],
  };
}
