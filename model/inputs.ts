/**
 * Everything the program decides from before declaring a resource: the typed stack config and the
 * validated catalog. All problems in both are collected and thrown together, so an invalid input
 * registers nothing.
 */
import * as path from "path";
import { Catalog, loadCatalog } from "./catalog";
import { DEFAULT_STACK_CONTEXT, StackConfig, StackContext, parseStackConfig } from "./config";
import { InputError, Problem } from "./problems";
import { skuProblems } from "./sku";

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
): ProgramInputs {
  const parsed = parseStackConfig(rawConfig, configFile, context);
  if (!parsed.ok) throw new InputError(parsed.problems);
  const config = parsed.config;
  const problems: Problem[] = [];
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
  if (catalog !== undefined) problems.push(...skuProblems(config.integrationAccountSku, catalog, configFile));
  if (problems.length > 0 || catalog === undefined) throw new InputError(problems);
  return { config, catalog, warnings: [...parsed.warnings, ...catalog.warnings] };
}
