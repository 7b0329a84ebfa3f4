/**
 * Typed Logic Apps (Consumption) workflow definitions: the subset of the Workflow Definition Language
 * b2b-dr emits. Builders return these; `canonical` gives them a deterministic key order.
 */

export const WORKFLOW_SCHEMA =
  "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#";

import type { RecurrenceFrequency } from "../protocols";
export type { RecurrenceFrequency };

export interface Recurrence {
  readonly frequency: RecurrenceFrequency;
  readonly interval: number;
  /** ISO 8601 date-time of the first run. */
  readonly startTime?: string;
}

export interface RetryPolicy {
  readonly type: "exponential" | "fixed" | "none";
  readonly count?: number;
  /** ISO 8601 duration, e.g. `PT20S`. */
  readonly interval?: string;
}

/** The `host.connection.name` of an ApiConnection: `@parameters('$connections')['<key>']['connectionId']`. */
export interface ApiConnectionHost {
  readonly connection: { readonly name: string };
}

export interface ApiConnectionInputs {
  readonly host: ApiConnectionHost;
  readonly method: "get" | "put" | "post" | "patch" | "delete";
  readonly path: string;
  readonly body?: string;
  readonly queries?: Readonly<Record<string, string>>;
  readonly retryPolicy?: RetryPolicy;
}

export interface ApiConnectionTrigger {
  readonly type: "ApiConnection";
  readonly recurrence: Recurrence;
  readonly inputs: ApiConnectionInputs;
}

export interface ApiConnectionAction {
  readonly type: "ApiConnection";
  readonly inputs: ApiConnectionInputs;
  readonly runAfter: Readonly<Record<string, readonly string[]>>;
}

export interface WorkflowParameterDeclaration {
  readonly type: "Object" | "String" | "SecureString" | "SecureObject" | "Int" | "Bool" | "Array";
  readonly defaultValue?: Readonly<Record<string, never>>;
}

export interface WorkflowDefinition {
  readonly $schema: string;
  readonly contentVersion: "1.0.0.0";
  readonly parameters: Readonly<Record<string, WorkflowParameterDeclaration>>;
  readonly triggers: Readonly<Record<string, ApiConnectionTrigger>>;
  readonly actions: Readonly<Record<string, ApiConnectionAction>>;
  readonly outputs: Readonly<Record<string, never>>;
}

/** The expression that reads a connection id from the `$connections` parameter. */
export function connectionReference(key: string): string {
  return `@parameters('$connections')['${key}']['connectionId']`;
}

/** Parses `connectionReference` back to the key (for checks and tests). */
export function connectionKeyOf(expression: string): string | undefined {
  return /^@parameters\('\$connections'\)\['([^']+)'\]\['connectionId'\]$/.exec(expression)?.[1];
}

/** One entry of the workflow resource's `parameters.$connections.value`. */
export interface ConnectionBinding<T = string> {
  /** Managed API id: `/subscriptions/<sub>/providers/Microsoft.Web/locations/<workflow region>/managedApis/<api>`. */
  readonly id: T;
  readonly connectionId: T;
  readonly connectionName: T;
}

/** Limits Azure puts on definitions (https://learn.microsoft.com/azure/logic-apps/logic-apps-limits-and-config). */
export const DEFINITION_LIMITS = {
  workflowName: 80,
  triggerOrActionName: 80,
  triggers: 10,
  actions: 500,
  namePattern: /^[a-zA-Z0-9_.()-]+$/,
} as const;
