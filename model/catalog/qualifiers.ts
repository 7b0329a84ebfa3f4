/**
 * Business-identity qualifiers a partner identity may use, by protocol, and the value lengths each
 * protocol's envelope can carry.
 *
 * - X12: ISA05/ISA07 interchange ID qualifiers (ISA06/ISA08 are 15 characters, space-padded).
 * - EDIFACT: UNB 0007 partner identification code qualifiers (UNB 0004 is an..35).
 * - AS2: Logic Apps' `AS2Identity` (the AS2-From/AS2-To name, up to 128 characters, RFC 4130).
 */
import type { Protocol } from "./schema";

export const X12_QUALIFIERS: readonly string[] = [
  "01",
  "02",
  "03",
  "04",
  "07",
  "08",
  "09",
  "10",
  "11",
  "12",
  "13",
  "14",
  "15",
  "16",
  "17",
  "18",
  "19",
  "20",
  "27",
  "28",
  "29",
  "30",
  "31",
  "32",
  "33",
  "34",
  "AM",
  "NR",
  "SA",
  "SN",
  "ZZ",
];

export const EDIFACT_QUALIFIERS: readonly string[] = [
  "1",
  "4",
  "5",
  "8",
  "9",
  "12",
  "14",
  "18",
  "22",
  "30",
  "31",
  "33",
  "34",
  "51",
  "52",
  "53",
  "54",
  "55",
  "57",
  "58",
  "59",
  "61",
  "63",
  "65",
  "80",
  "82",
  "84",
  "85",
  "86",
  "87",
  "89",
  "90",
  "91",
  "92",
  "103",
  "128",
  "129",
  "144",
  "145",
  "146",
  "147",
  "148",
  "ZZ",
  "ZZZ",
];

export const AS2_QUALIFIERS: readonly string[] = ["AS2Identity"];

export const QUALIFIERS_BY_PROTOCOL: Readonly<Record<Protocol, readonly string[]>> = {
  X12: X12_QUALIFIERS,
  Edifact: EDIFACT_QUALIFIERS,
  AS2: AS2_QUALIFIERS,
};

export const MAX_IDENTITY_LENGTH: Readonly<Record<Protocol, number>> = { X12: 15, Edifact: 35, AS2: 128 };

/** Every qualifier b2b-dr accepts on a partner identity. */
export const ALL_QUALIFIERS: ReadonlySet<string> = new Set([
  ...X12_QUALIFIERS,
  ...EDIFACT_QUALIFIERS,
  ...AS2_QUALIFIERS,
]);

/** Protocols whose envelopes can carry an identity with this qualifier. */
export function protocolsOf(qualifier: string): Protocol[] {
  return (Object.keys(QUALIFIERS_BY_PROTOCOL) as Protocol[]).filter((p) =>
    QUALIFIERS_BY_PROTOCOL[p].includes(qualifier),
  );
}
