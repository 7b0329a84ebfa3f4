/**
 * The DR phase authority and its safety rule, as plain values and one pure function.
 *
 * The authority is the blob `phase.json` in the SECONDARY region's DR state store, written only by
 * the runbook (`failover`, `fallback`). Every deployment of either stack compares the phase it is
 * about to apply (its "declared" phase) with the authority's, and refuses when they differ, unless a
 * break-glass reason is given (then it proceeds, and says so loudly). See docs/phase-authority.md.
 */
import { z } from "zod";
import { DR_PHASES, DrPhase, PROJECT, Role } from "./config";

/** Name of the authority blob inside the state store's container. */
export const AUTHORITY_BLOB = "phase.json";

/** Environment variable that carries a break-glass reason (the only way to override the rule). */
export const BREAK_GLASS_ENV = "B2B_DR_BREAK_GLASS_REASON";

/** The authority record, exactly as the runbook writes it to `phase.json`. */
export const authorityRecordSchema = z.strictObject({
  phase: z.enum(DR_PHASES),
  /** The failover epoch the phase belongs to (0: no failover ever). */
  epoch: z.number().int().min(0),
  /** ISO 8601 time of the change. */
  changedAt: z.iso.datetime({ offset: true }),
  /** Who changed it: the operator's identity or host as the runbook saw it. */
  changedBy: z.string().min(1),
  /** The runbook operation that changed it, e.g. `failover-1` or `fallback-1`. */
  operationId: z.string().min(1),
});

export type AuthorityRecord = z.infer<typeof authorityRecordSchema>;

/** The authority's phase: an absent blob means `normal` (a pair that never switched, or a first deployment). */
export function authorityPhase(record: AuthorityRecord | undefined): DrPhase {
  return record?.phase ?? "normal";
}

/** Where the declared phase comes from, for messages. */
export interface DeclaredSource {
  /** The file that declares it, e.g. `Pulumi.secondary.yaml`. */
  readonly file: string;
  /** The setting or output, e.g. `b2b-dr:drPhase` or the secondary's `drPhase` output. */
  readonly setting: string;
}

export interface PhaseCheck {
  /** The stack being deployed (or checked by the guard). */
  readonly stack: string;
  readonly role: Role;
  /** The phase the deployment would apply. */
  readonly declared: DrPhase;
  readonly source: DeclaredSource;
  /** The authority record, or undefined when the blob does not exist. */
  readonly authority: AuthorityRecord | undefined;
  /** A break-glass reason; any non-blank text overrides a refusal. */
  readonly breakGlassReason?: string;
}

export type PhaseVerdict =
  | { readonly verdict: "proceed"; readonly phase: DrPhase }
  | { readonly verdict: "override"; readonly phase: DrPhase; readonly warning: string }
  | { readonly verdict: "refuse"; readonly message: string };

/**
 * The runbook command that moves the pair on from the authority's phase: `failover` from `normal`;
 * from `failover` or `failback` only `fallback` goes on (the runbook never goes back to `failover`
 * from `failback`, and never skips a phase).
 */
export function runbookCommandFor(authority: DrPhase): string {
  return authority === "normal" ? "npm run dr -- failover" : "npm run dr -- fallback";
}

function describeAuthority(record: AuthorityRecord | undefined): string {
  if (record === undefined) return `normal (no ${AUTHORITY_BLOB} yet: the runbook never switched this pair)`;
  return `${record.phase} (epoch ${record.epoch}, set by ${record.operationId} at ${record.changedAt} by ${record.changedBy})`;
}

/**
 * The safety rule. Proceeds when the declared phase is the authority's; otherwise refuses with a
 * message naming both values, the file and setting, and the runbook command that moves the phase,
 * unless a break-glass reason is given (then it proceeds with a warning to log).
 */
export function checkPhase(check: PhaseCheck): PhaseVerdict {
  const authority = authorityPhase(check.authority);
  if (check.declared === authority) return { verdict: "proceed", phase: authority };
  const what =
    `stack ${check.stack} (${check.role}) would deploy DR phase ${check.declared} ` +
    `(${check.source.setting} in ${check.source.file}), but the phase authority says ${describeAuthority(check.authority)}`;
  const reason = check.breakGlassReason?.trim();
  if (reason) {
    return {
      verdict: "override",
      phase: check.declared,
      warning: `BREAK-GLASS: ${what}. Deploying ${check.declared} anyway because ${BREAK_GLASS_ENV} is set: ${JSON.stringify(reason)}.`,
    };
  }
  return {
    verdict: "refuse",
    message:
      `Refused: ${what}. Nothing was deployed.\n` +
      `Fix: if the authority is right (the runbook switched the pair), make the repository agree: set ${PROJECT}:drPhase: ${authority} ` +
      `in Pulumi.secondary.yaml and commit it. To move the phase itself, run the runbook: \`${runbookCommandFor(authority)}\` ` +
      `(it writes the authority, then deploys). Only in an emergency, override with ${BREAK_GLASS_ENV}="<why>" (logged).`,
  };
}

/** Where the DR state store is: the secondary stack's `drStateStore` output has this shape. */
export interface StoreLocation {
  readonly accountName: string;
  /** e.g. `https://stb2bdrprodne1234.blob.core.windows.net/` */
  readonly blobEndpoint: string;
  readonly container: string;
}

/** Reads the authority record; resolves undefined when the blob does not exist. */
export interface AuthorityReader {
  read(location: StoreLocation): Promise<AuthorityRecord | undefined>;
}

/** An authority blob that exists but is not a valid record: never read as "normal". */
export class AuthorityUnreadableError extends Error {}

/** Parses the text of `phase.json`; throws `AuthorityUnreadableError` naming the blob and the fix. */
export function parseAuthority(text: string, where: string): AuthorityRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new AuthorityUnreadableError(`${where} is not JSON (${(e as Error).message}).`);
  }
  const parsed = authorityRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AuthorityUnreadableError(
      `${where}: ${issue?.path.join(".") || "(top level)"}: ${issue?.message ?? "invalid"}. ` +
        "Fix: only the runbook writes this blob; restore its previous version (blob versioning) or rerun the runbook command that wrote it.",
    );
  }
  return parsed.data;
}
