/**
 * Generates a valid catalog of a given size for the benchmark: one host, `partners - 1` guests, and
 * `agreements` agreements (X12 and EDIFACT alternating, every tenth AS2), each with identities of its
 * own, reusing the sample's schemas, maps and certificates.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";

export interface CatalogSize {
  readonly partners: number;
  readonly agreements: number;
}

export function generateCatalog(dir: string, size: CatalogSize, sample: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const sub of ["schemas", "maps", "certificates", "workflows"])
    fs.cpSync(path.join(sample, sub), path.join(dir, sub), { recursive: true });
  fs.copyFileSync(path.join(sample, "artifacts.yaml"), path.join(dir, "artifacts.yaml"));
  fs.copyFileSync(path.join(sample, "workflows.yaml"), path.join(dir, "workflows.yaml"));
  // The partner ingress of the sample (one inbound flow), so the plan measured is the product's.
  if (fs.existsSync(path.join(sample, "inbound.yaml")))
    fs.copyFileSync(path.join(sample, "inbound.yaml"), path.join(dir, "inbound.yaml"));
  const guests = Math.max(1, size.partners - 1);
  const pad = (n: number) => String(n).padStart(4, "0");
  const hostIds: { qualifier: string; value: string }[] = [];
  const guestIds = new Map<number, { qualifier: string; value: string }[]>();
  const agreements: Record<string, unknown>[] = [];
  for (let i = 0; i < size.agreements; i++) {
    const g = i % guests;
    const protocol = i % 10 === 9 ? "AS2" : i % 2 === 0 ? "X12" : "Edifact";
    const qualifier = protocol === "AS2" ? "AS2Identity" : protocol === "X12" ? "ZZ" : "ZZZ";
    const host = { qualifier, value: `H${pad(i)}` };
    const guest = { qualifier, value: `G${pad(i)}` };
    hostIds.push(host);
    guestIds.set(g, [...(guestIds.get(g) ?? []), guest]);
    agreements.push({
      name: `Contoso-P${pad(g)}-${protocol}-${pad(i)}`,
      protocol,
      host: { partner: "Contoso", ...host },
      guest: { partner: `P${pad(g)}`, ...guest },
      ...(protocol === "X12"
        ? {
            schemas: [{ messageId: "850", schemaVersion: "00401", schemaName: "X12_00401_850" }],
            traffic: { peakMessagesPerMinute: 10 },
          }
        : protocol === "Edifact"
          ? {
              schemas: [
                { messageId: "ORDERS", messageVersion: "D", messageRelease: "96A", schemaName: "EFACT_D96A_ORDERS" },
              ],
              traffic: { peakMessagesPerMinute: 5 },
            }
          : {}),
    });
  }
  const partners = [
    { name: "Contoso", host: true, identities: hostIds },
    ...Array.from({ length: guests }, (_, g) => ({
      name: `P${pad(g)}`,
      identities: guestIds.get(g) ?? [{ qualifier: "ZZ", value: `X${pad(g)}` }],
    })),
  ];
  fs.writeFileSync(path.join(dir, "partners.yaml"), stringify({ partners }));
  fs.writeFileSync(path.join(dir, "agreements.yaml"), stringify({ agreements }));
}
