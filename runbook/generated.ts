/**
 * Which generated control-number sessions an agreement has, and the range each takes its numbers
 * from, derived from the agreement's own settings as deployed (its `content`):
 * - `{agreement}-ICN`, `-GCN`, `-TSCN`: the numbers this side SENDS, from the send agreement's
 *   `protocolSettings.envelopeSettings` (interchange/group/transactionSet bounds and rollover);
 * - `{agreement}-ICN-ACK`, `-GCN-ACK`, `-TSCN-ACK`: the acknowledgements this side generates when it
 *   RECEIVES, all from the receive agreement's `acknowledgementSettings` (acknowledgementControlNumber
 *   bounds and rollover). They are read for every agreement and bumped when they exist; a missing one
 *   is created only when the receive agreement asks for acknowledgements now
 *   (`needTechnicalAcknowledgement`, `needFunctionalAcknowledgement` or, X12,
 *   `needImplementationAcknowledgement`).
 * Names: `"{agreement}-{ICN|GCN|TSCN}{-ACK}"` as in the Azure PowerShell LogicApp module's constants
 * (https://github.com/Azure/azure-powershell/tree/main/src/LogicApp); names are case-insensitive.
 * Fields: https://learn.microsoft.com/rest/api/logic/integration-account-agreements/create-or-update
 * Inferences (no public source states them) are listed in docs/runbook.md.
 */
import type { ControlNumberRange } from "../model/catalog/agreements";
import type { ControlNumberKind } from "../model/controlNumbers";

export interface ExpectedSession {
  readonly name: string;
  readonly agreement: string;
  readonly protocol: "X12" | "Edifact";
  readonly kind: ControlNumberKind;
  readonly ack: boolean;
  /** Undefined when the agreement's settings do not give the bounds (the session is then refused). */
  readonly range: ControlNumberRange | undefined;
  /**
   * An acknowledgement session of an agreement whose receive side generates no acknowledgement now:
   * bumped when it exists (acknowledgements may have been on before), never created.
   */
  readonly optional: boolean;
}

type Settings = Record<string, Record<string, unknown> | undefined>;
type Side = { protocolSettings?: Settings } | undefined;

function protocolOf(content: Record<string, unknown> | undefined): "X12" | "Edifact" | undefined {
  if (content?.x12 !== undefined) return "X12";
  if (content?.edifact !== undefined) return "Edifact";
  return undefined;
}

function range(block: Record<string, unknown> | undefined, prefix: string): ControlNumberRange | undefined {
  const lower = block?.[`${prefix}ControlNumberLowerBound`];
  const upper = block?.[`${prefix}ControlNumberUpperBound`];
  const rollover = block?.[`rollover${prefix[0]!.toUpperCase()}${prefix.slice(1)}ControlNumber`];
  return typeof lower === "number" && typeof upper === "number" && typeof rollover === "boolean"
    ? { lower, upper, rollover }
    : undefined;
}

/** The generated sessions of one agreement (none for AS2 or an unknown protocol). */
export function expectedSessions(name: string, content: Record<string, unknown> | undefined): ExpectedSession[] {
  const protocol = protocolOf(content);
  if (protocol === undefined) return [];
  const body = content![protocol === "X12" ? "x12" : "edifact"] as { sendAgreement?: Side; receiveAgreement?: Side };
  const envelope = body.sendAgreement?.protocolSettings?.envelopeSettings;
  const acks = body.receiveAgreement?.protocolSettings?.acknowledgementSettings;
  const out: ExpectedSession[] = (
    [
      ["ICN", "interchange"],
      ["GCN", "group"],
      ["TSCN", "transactionSet"],
    ] as const
  ).map(([suffix, kind]) => ({
    name: `${name}-${suffix}`,
    agreement: name,
    protocol,
    kind,
    ack: false,
    range: range(envelope, kind),
    optional: false,
  }));
  const generatesAcks =
    acks?.needTechnicalAcknowledgement === true ||
    acks?.needFunctionalAcknowledgement === true ||
    acks?.needImplementationAcknowledgement === true;
  for (const suffix of ["ICN", "GCN", "TSCN"]) {
    out.push({
      name: `${name}-${suffix}-ACK`,
      agreement: name,
      protocol,
      kind: "acknowledgement",
      ack: true,
      range: range(acks, "acknowledgement"),
      optional: !generatesAcks,
    });
  }
  return out;
}
