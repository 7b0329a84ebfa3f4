/**
 * Agreement content builders: pure functions from a catalog agreement to the ARM 2019-05-01
 * `content` of `Microsoft.Logic/integrationAccounts/agreements`, and the facts derived from it
 * (control-number ranges for the drManifest, bound checks).
 *
 * Layers, later wins: protocol defaults → receive-side DR defaults (receive only) → `settings` →
 * `receive` / `send`.
 */
import { canonical, deepMerge } from "../json";
import { CONTENT_KEY } from "../protocols";
import {
  AS2_DEFAULTS,
  As2Settings,
  CONTROL_NUMBER_MAX,
  CONTROL_NUMBER_MIN,
  EDIFACT_CONTROL_REFERENCE_MAX_LENGTH,
  EDIFACT_DEFAULTS,
  EdifactSettings,
  RECEIVE_DEFAULTS,
  X12_DEFAULTS,
  X12Settings,
} from "./defaults";
import type { AgreementSpec, Identity, Protocol } from "./model";

export type Direction = "receive" | "send";

export type ProtocolSettings<P extends Protocol> = P extends "X12"
  ? X12Settings
  : P extends "Edifact"
    ? EdifactSettings
    : As2Settings;

const DEFAULTS: { readonly [P in Protocol]: ProtocolSettings<P> } = {
  X12: X12_DEFAULTS,
  Edifact: EDIFACT_DEFAULTS,
  AS2: AS2_DEFAULTS,
};

/** The `content` key ARM uses for each protocol (note `aS2`). */
export { CONTENT_KEY };

/** The merged protocol settings of one direction, without schema references. */
export function directionSettings<P extends Protocol>(
  agreement: AgreementSpec & { readonly protocol: P },
  direction: Direction,
): ProtocolSettings<P> {
  const { settings, receive, send } = agreement.overrides;
  return deepMerge(
    DEFAULTS[agreement.protocol] as ProtocolSettings<P>,
    direction === "receive" ? RECEIVE_DEFAULTS[agreement.protocol] : undefined,
    settings,
    direction === "receive" ? receive : send,
  );
}

interface OneWay {
  readonly senderBusinessIdentity: Identity;
  readonly receiverBusinessIdentity: Identity;
  readonly protocolSettings: Readonly<Record<string, unknown>>;
}

export interface AgreementContent {
  readonly x12?: { readonly receiveAgreement: OneWay; readonly sendAgreement: OneWay };
  readonly edifact?: { readonly receiveAgreement: OneWay; readonly sendAgreement: OneWay };
  readonly aS2?: { readonly receiveAgreement: OneWay; readonly sendAgreement: OneWay };
}

/** Values that differ per region, filled in by the stack that declares the agreement. */
export interface RegionalValues {
  /** AS2: this region's callback URL of the `mdnReceiptWorkflow` (a secret). */
  readonly receiptDeliveryUrl?: string;
}

function oneWay(agreement: AgreementSpec, direction: Direction, regional: RegionalValues): OneWay {
  const host = agreement.host.identity;
  const guest = agreement.guest.identity;
  const settings: Record<string, unknown> = { ...directionSettings(agreement, direction) };
  if (direction === "send" && regional.receiptDeliveryUrl !== undefined) {
    settings.mdnSettings = { ...(settings.mdnSettings as object), receiptDeliveryUrl: regional.receiptDeliveryUrl };
  }
  if (agreement.protocol !== "AS2") settings.schemaReferences = agreement.schemaReferences;
  return {
    // Receive: the guest sends to us; send: we send to the guest.
    senderBusinessIdentity: direction === "receive" ? guest : host,
    receiverBusinessIdentity: direction === "receive" ? host : guest,
    protocolSettings: settings,
  };
}

/** The complete agreement `content`, keys sorted. */
export function buildAgreementContent(agreement: AgreementSpec, regional: RegionalValues = {}): AgreementContent {
  return canonical({
    [CONTENT_KEY[agreement.protocol]]: {
      receiveAgreement: oneWay(agreement, "receive", regional),
      sendAgreement: oneWay(agreement, "send", regional),
    },
  });
}

export interface ControlNumberRange {
  readonly lower: number;
  readonly upper: number;
  readonly rollover: boolean;
}

export interface ControlNumberRanges {
  readonly interchange: ControlNumberRange;
  readonly group: ControlNumberRange;
  readonly transactionSet: ControlNumberRange;
  readonly acknowledgement: ControlNumberRange;
}

export const CONTROL_NUMBER_KINDS = ["interchange", "group", "transactionSet"] as const;
export type ControlNumberKind = (typeof CONTROL_NUMBER_KINDS)[number];

/**
 * The generated (send-side) control-number ranges of an X12 or EDIFACT agreement: the numbers the
 * runbook bumps on failover. `undefined` for AS2, which has no control numbers.
 */
export function generatedControlNumbers(agreement: AgreementSpec): ControlNumberRanges | undefined {
  if (agreement.protocol === "AS2") return undefined;
  const s = directionSettings(agreement as AgreementSpec & { protocol: "X12" | "Edifact" }, "send");
  const e = s.envelopeSettings;
  const a = s.acknowledgementSettings;
  return {
    interchange: {
      lower: e.interchangeControlNumberLowerBound,
      upper: e.interchangeControlNumberUpperBound,
      rollover: e.rolloverInterchangeControlNumber,
    },
    group: {
      lower: e.groupControlNumberLowerBound,
      upper: e.groupControlNumberUpperBound,
      rollover: e.rolloverGroupControlNumber,
    },
    transactionSet: {
      lower: e.transactionSetControlNumberLowerBound,
      upper: e.transactionSetControlNumberUpperBound,
      rollover: e.rolloverTransactionSetControlNumber,
    },
    acknowledgement: {
      lower: a.acknowledgementControlNumberLowerBound,
      upper: a.acknowledgementControlNumberUpperBound,
      rollover: a.rolloverAcknowledgementControlNumber,
    },
  };
}

/** A problem in merged settings: the settings path (inside a direction) and what is wrong. */
export interface SettingsProblem {
  readonly direction: Direction;
  readonly path: string;
  readonly value: unknown;
  readonly message: string;
  readonly fix: string;
}

const BOUND_FIELDS = {
  envelopeSettings: ["interchange", "group", "transactionSet"],
  acknowledgementSettings: ["acknowledgement"],
} as const;

/** Control-number bounds within 1..999999999 with lower ≤ upper; EDIFACT references within an..14. */
export function controlNumberProblems(agreement: AgreementSpec): SettingsProblem[] {
  if (agreement.protocol === "AS2") return [];
  const problems: SettingsProblem[] = [];
  for (const direction of ["receive", "send"] as const) {
    const settings = directionSettings(agreement, direction) as unknown as Record<string, Record<string, unknown>>;
    for (const [block, kinds] of Object.entries(BOUND_FIELDS)) {
      for (const kind of kinds) {
        const lowerKey = `${kind}ControlNumberLowerBound`;
        const upperKey = `${kind}ControlNumberUpperBound`;
        const lower = settings[block]?.[lowerKey] as number;
        const upper = settings[block]?.[upperKey] as number;
        for (const [key, value] of [
          [lowerKey, lower],
          [upperKey, upper],
        ] as const) {
          if (value < CONTROL_NUMBER_MIN || value > CONTROL_NUMBER_MAX) {
            problems.push({
              direction,
              path: `${block}.${key}`,
              value,
              message: `is outside the allowed range ${CONTROL_NUMBER_MIN}..${CONTROL_NUMBER_MAX}`,
              fix: `use a number from ${CONTROL_NUMBER_MIN} to ${CONTROL_NUMBER_MAX}`,
            });
          }
        }
        if (lower > upper) {
          problems.push({
            direction,
            path: `${block}.${lowerKey}`,
            value: lower,
            message: `is greater than ${upperKey} (${upper})`,
            fix: `make ${lowerKey} at most ${upperKey}`,
          });
        }
        if (agreement.protocol === "Edifact" && block === "envelopeSettings") {
          const prefix = String(settings[block]?.[`${kind}ControlNumberPrefix`] ?? "");
          const suffix = String(settings[block]?.[`${kind}ControlNumberSuffix`] ?? "");
          const length = prefix.length + String(upper).length + suffix.length;
          if (length > EDIFACT_CONTROL_REFERENCE_MAX_LENGTH) {
            problems.push({
              direction,
              path: `${block}.${kind}ControlNumberPrefix`,
              value: prefix,
              message: `prefix + ${upperKey} (${upper}) + suffix is ${length} characters; EDIFACT control references are at most ${EDIFACT_CONTROL_REFERENCE_MAX_LENGTH} (an..14)`,
              fix: "shorten the prefix or suffix, or lower the upper bound",
            });
          }
        }
      }
    }
  }
  return problems;
}
