/**
 * `status`: is the pair ready for the phase it is in? Like Route 53 ARC's readiness checks: artifact
 * parity between the accounts, control-number lag per agreement (from the sessions), replication and
 * business workflow states, the runbook's own record. Read-only.
 */
import type { Role } from "../components/config";
import { ARTIFACT_KINDS, AccountApi, Session, describeError } from "./arm";
import type { OperationResult, RunbookContext } from "./context";
import { parseGeneratedSession, parseReceivedSession, readControlNumber, ticksOf } from "./controlNumbers";
import { ingressChecks } from "./ingress";
import { openFailoverEpoch, readMarker } from "./marker";

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

async function attempt<T>(f: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    return { ok: false, error: describeError(e) };
  }
}

export interface LagRow {
  readonly agreement: string;
  readonly session: string;
  readonly primary: number | undefined;
  readonly secondary: number | undefined;
  /** Seconds the follower's last change is behind the leader's (undefined when one side is missing). */
  readonly lagSeconds: number | undefined;
}

function lagRows(
  agreements: readonly string[],
  leader: readonly Session[],
  follower: readonly Session[],
  leaderRole: Role,
): LagRow[] {
  const rows: LagRow[] = [];
  const names = new Set(
    [...leader, ...follower].filter((s) => parseGeneratedSession(s.name, agreements)).map((s) => s.name.toLowerCase()),
  );
  for (const key of [...names].sort()) {
    const l = leader.find((s) => s.name.toLowerCase() === key);
    const f = follower.find((s) => s.name.toLowerCase() === key);
    const lv = l && readControlNumber(l.content);
    const fv = f && readControlNumber(f.content);
    const lag =
      lv && fv ? Number(((ticksOf(lv.changedTime) ?? 0n) - (ticksOf(fv.changedTime) ?? 0n)) / 10_000_000n) : undefined;
    const parsed = parseGeneratedSession((l ?? f)!.name, agreements)!;
    rows.push({
      agreement: parsed.agreement,
      session: (l ?? f)!.name,
      primary: (leaderRole === "primary" ? lv : fv)?.controlNumber,
      secondary: (leaderRole === "primary" ? fv : lv)?.controlNumber,
      lagSeconds: lag === undefined ? undefined : Math.max(0, lag),
    });
  }
  return rows;
}

export async function status(ctx: RunbookContext): Promise<OperationResult> {
  const phase = ctx.outputs.secondary.drPhase;
  const { primary, secondary } = ctx.accounts;
  const checks: Check[] = [];
  const out = ctx.out;
  const activeRole: Role = phase === "normal" ? "primary" : "secondary";
  const leaderRole: Role = phase === "normal" ? "primary" : "secondary";
  out.line(`Phase: ${phase}; active region: ${ctx.outputs[activeRole].drManifest.region} (${activeRole})`);

  // Artifact parity, by name.
  const inventory = async (a: AccountApi) =>
    attempt(async () =>
      Object.fromEntries(
        await Promise.all(ARTIFACT_KINDS.map(async (k) => [k, await a.listArtifactNames(k)] as const)),
      ),
    );
  const [pInv, sInv] = await Promise.all([inventory(primary), inventory(secondary)]);
  for (const [role, inv] of [
    ["primary", pInv],
    ["secondary", sInv],
  ] as const) {
    if (!inv.ok)
      checks.push({
        name: `${role} account reachable`,
        ok: role === "primary" && phase !== "normal",
        detail: inv.error,
      });
  }
  if (pInv.ok && sInv.ok) {
    for (const kind of ARTIFACT_KINDS) {
      const p = new Set(pInv.value[kind]!.map((n) => n.toLowerCase()));
      const s = new Set(sInv.value[kind]!.map((n) => n.toLowerCase()));
      const onlyP = [...p].filter((n) => !s.has(n));
      const onlyS = [...s].filter((n) => !p.has(n));
      const ok = onlyP.length === 0 && onlyS.length === 0;
      checks.push({
        name: `parity of ${kind}`,
        ok,
        detail: ok
          ? `${p.size} in both`
          : `${onlyP.length ? `only in primary: ${onlyP.join(", ")}` : ""}${onlyP.length && onlyS.length ? "; " : ""}${onlyS.length ? `only in secondary: ${onlyS.join(", ")}` : ""}`,
      });
    }
  }

  // Workflow states.
  const expect = async (a: AccountApi, names: readonly string[], want: string, what: string) => {
    for (const name of names) {
      const st = await attempt(() => a.getWorkflowState(name));
      const actual = st.ok ? (st.value ?? "missing") : `unreachable (${st.error})`;
      const tolerated = !st.ok && a.role === "primary" && phase !== "normal";
      checks.push({
        name: `${what} ${name}`,
        ok: actual === want || tolerated,
        detail: `${actual}, expected ${want}${tolerated ? " (primary region not required in this phase)" : ""}`,
      });
    }
  };
  await expect(
    secondary,
    ctx.outputs.secondary.drManifest.workflows.replication,
    phase === "normal" ? "Enabled" : "Disabled",
    "replication",
  );
  if (phase === "failback")
    await expect(primary, ctx.outputs.primary.drManifest.workflows.replication, "Enabled", "reverse replication");
  await expect(
    ctx.accounts[activeRole],
    ctx.outputs[activeRole].drManifest.workflows.business,
    "Enabled",
    "business (active)",
  );
  const standby: Role = activeRole === "primary" ? "secondary" : "primary";
  await expect(
    ctx.accounts[standby],
    ctx.outputs[standby].drManifest.workflows.business,
    "Disabled",
    "business (standby)",
  );

  // Control-number lag: the follower (replication target) against the leader.
  const agreements = ctx.outputs.secondary.drManifest.agreements.filter((a) => a.protocol !== "AS2").map((a) => a.name);
  const [pS, sS] = await Promise.all([attempt(() => primary.listSessions()), attempt(() => secondary.listSessions())]);
  let rows: LagRow[] = [];
  const rpoSeconds =
    (ctx.outputs.secondary.replicationRpoMinutes ?? ctx.outputs.primary.replicationRpoMinutes ?? 7) * 60;
  if (pS.ok && sS.ok) {
    const [leader, follower] = leaderRole === "primary" ? [pS.value, sS.value] : [sS.value, pS.value];
    rows = lagRows(agreements, leader, follower, leaderRole);
    out.line("Generated control numbers (lag = how far the replication target's last change is behind):");
    out.line(`  ${"session".padEnd(40)} ${"primary".padStart(10)} ${"secondary".padStart(10)} ${"lag".padStart(8)}`);
    for (const r of rows) {
      out.line(
        `  ${r.session.padEnd(40)} ${String(r.primary ?? "-").padStart(10)} ${String(r.secondary ?? "-").padStart(10)} ${(r.lagSeconds === undefined ? "-" : `${r.lagSeconds}s`).padStart(8)}`,
      );
    }
    if (phase !== "failover") {
      const late = rows.filter((r) => r.lagSeconds === undefined || r.lagSeconds > rpoSeconds);
      checks.push({
        name: "control-number lag",
        ok: late.length === 0,
        detail:
          late.length === 0
            ? `${rows.length} sessions within the RPO bound (${rpoSeconds / 60} min)`
            : `beyond ${rpoSeconds / 60} min or never replicated: ${late.map((r) => r.session).join(", ")}`,
      });
    }
    const received = agreements.map((a) => {
      const count = (ss: readonly Session[]) => ss.filter((s) => parseReceivedSession(s.name, [a])).length;
      return { agreement: a, primary: count(pS.value), secondary: count(sS.value) };
    });
    out.line("Received control numbers (duplicate-check sessions):");
    received.forEach((r) =>
      out.line(
        `  ${r.agreement.padEnd(40)} primary ${r.primary}, secondary ${r.secondary}, lag ${Math.max(0, leaderRole === "primary" ? r.primary - r.secondary : r.secondary - r.primary)}`,
      ),
    );
  } else {
    const error = !pS.ok ? `primary: ${pS.error}` : !sS.ok ? `secondary: ${sS.error}` : "";
    checks.push({
      name: "control-number lag",
      ok: phase === "failover" && sS.ok,
      detail: `sessions not readable (${error})`,
    });
  }

  const marker = await attempt(() => readMarker(secondary));
  if (marker.ok) {
    const open = openFailoverEpoch(marker.value);
    out.line(
      `Runbook record: epoch ${marker.value.epoch}${open === undefined ? ", no failover open" : `, failover ${open} open`}`,
    );
  }

  checks.push(...(await ingressChecks(ctx, activeRole)));

  out.line("Checks:");
  for (const c of checks) out.line(`  [${c.ok ? "ok" : "NOT READY"}] ${c.name}: ${c.detail}`);
  const ready = checks.every((c) => c.ok);
  out.line(ready ? "READY" : "NOT READY");
  return {
    command: "status",
    status: ready ? "done" : "failed",
    phase,
    commands: [],
    warnings: [],
    errors: checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`),
    details: { ready, checks, controlNumbers: rows },
  };
}
