/** Rules of `partners.yaml`: names, known identity qualifiers, each identity owned by one partner. */
import type { Problem } from "../../problems";
import type { Partner } from "../model";
import { ALL_QUALIFIERS } from "../qualifiers";
import type { PartnersFile } from "../schema";
import type { YamlSource } from "../yamlFile";
import { Checked, nameProblems } from "./result";

export function checkPartners(file: PartnersFile, source: YamlSource): Checked<Partner[]> {
  const problems: Problem[] = nameProblems(file.partners, "partner", "partners", source, source.file);
  const owners = new Map<string, string>();
  file.partners.forEach((partner, i) => {
    partner.identities.forEach((id, j) => {
      const p = ["partners", i, "identities", j];
      if (!ALL_QUALIFIERS.has(id.qualifier)) {
        problems.push(
          source.problem(
            [...p, "qualifier"],
            id.qualifier,
            "is not a known business-identity qualifier",
            "use an X12 qualifier (e.g. ZZ, 01, 14), an EDIFACT one (e.g. 14, ZZZ) or AS2Identity",
          ),
        );
      }
      const key = `${id.qualifier}:${id.value}`;
      const owner = owners.get(key);
      if (owner !== undefined && owner !== partner.name) {
        problems.push(
          source.problem(
            p,
            key,
            `is also an identity of partner ${owner}; an identity must point at one partner`,
            "remove the duplicate identity from one of the partners",
          ),
        );
      }
      owners.set(key, partner.name);
    });
  });
  return {
    value: file.partners.map((p) => ({ name: p.name, host: p.host, identities: p.identities, metadata: p.metadata })),
    problems,
    warnings: [],
  };
}
