/**
 * Protocol facts, each defined once: the protocols b2b-dr handles, the key of each in an agreement's
 * `content`, the managed connector (API) of each, and the kinds of generated control numbers.
 * Sources: the agreement content of Microsoft.Logic 2019-05-01
 * (https://learn.microsoft.com/azure/templates/microsoft.logic/2019-05-01/integrationaccounts/agreements)
 * and the X12 / EDIFACT / AS2 connectors (https://learn.microsoft.com/connectors/x12/, /edifact/, /as2/).
 */

export const PROTOCOLS = ["X12", "Edifact", "AS2"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** The property of an agreement's `content` that holds each protocol's settings. */
export const CONTENT_KEY = { X12: "x12", Edifact: "edifact", AS2: "aS2" } as const satisfies Record<Protocol, string>;

/** The managed connector (`/providers/Microsoft.Web/locations/<region>/managedApis/<api>`) of each protocol. */
export const MANAGED_API = { X12: "x12", Edifact: "edifact", AS2: "as2" } as const satisfies Record<Protocol, string>;
export type ManagedApi = (typeof MANAGED_API)[Protocol];
/** The managed APIs, in protocol order. */
export const MANAGED_APIS: readonly ManagedApi[] = PROTOCOLS.map((p) => MANAGED_API[p]);

/** Protocols whose agreements generate control numbers (AS2 replicates MIC values instead). */
export const CONTROL_NUMBER_PROTOCOLS = ["X12", "Edifact"] as const satisfies readonly Protocol[];
export type ControlNumberProtocol = (typeof CONTROL_NUMBER_PROTOCOLS)[number];

/**
 * The kinds of control numbers an X12 or EDIFACT agreement generates, as the replication records and
 * the session names spell them (`ControlNumberType`: Icn, Gcn, Tscn).
 */
export const CONTROL_NUMBER_KINDS = ["Icn", "Gcn", "Tscn"] as const;
export type ControlNumberKind = (typeof CONTROL_NUMBER_KINDS)[number];

/** Units of a Logic Apps recurrence (`frequency`), shortest first. */
export const RECURRENCE_FREQUENCIES = ["Second", "Minute", "Hour", "Day"] as const;
export type RecurrenceFrequency = (typeof RECURRENCE_FREQUENCIES)[number];
