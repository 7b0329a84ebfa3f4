/**
 * `status`: is the pair ready for the phase it is in? Like Route 53 ARC's readiness checks: artifact
 * parity between the accounts, control-number lag per agreement (from the sessions), replication and
 * business workflow states, the runbook's own record. Read-only.
 */
import type { Role } from "../model/config";
import { ARTIFACT_KINDS, AccountApi, Session, describeError } from "./arm";
import type { OperationResult, RunbookContext } from "./context";
import { phaseAgreement } from "./authority";
import { parseGeneratedSession, parseReceivedSession, readControlNumber, ticksOf } from "../model/controlNumbers";
import { latestEpoch } from "./record";
import { ingressChecks } from "./ingress";
import { expectedSessions } from "./generated";

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

  const rpoSeconds =
    (ctx.outputs.secondary.replicationRpoMinutes ?? ctx.outputs.primary.replicationRpoMinutes ?? 7) * 60;
  // Replication lag from the run history: the newest successful (or skipped: nothing new) run of each
  // enabled replication workflow must have started within the RPO bound. A few reads, whatever the
  // number of sessions.
  const replicating: Role | undefined = phase === "normal" ? "secondary" : phase === "failback" ? "primary" : undefined;
  if (replicating !== undefined) {
    for (const w of ctx.outputs[replicating].drManifest.workflows.replication) {
      const runs = await attempt(() => ctx.accounts[replicating].latestRuns(w, 10));
      if (!runs.ok) {
        checks.push({ name: `replication runs ${w}`, ok: false, detail: `unreadable (${runs.error})` });
        continue;
      }
      const last = runs.value.find((r) => r.status === "Succeeded" || r.status === "Skipped");
      const age =
        last?.startTime === undefined
          ? undefined
          : Math.round((ctx.now().getTime() - Date.parse(last.startTime)) / 1000);
      checks.push({
        name: `replication runs ${w}`,
        ok: age !== undefined && age <= rpoSeconds,
        detail:
          age === undefined
            ? "no successful run yet"
            : `last successful run ${age}s ago (RPO bound ${rpoSeconds / 60} min)`,
      });
    }
  }

  // --deep: every generated session of both accounts, by name, and the received sessions counted.
  let rows: LagRow[] = [];
  if (ctx.options.deep) {
    const agreementsOf = async (a: AccountApi) =>
      (await a.listAgreements()).flatMap((x) => expectedSessions(x.name, x.content));
    const leaderAccount = ctx.accounts[leaderRole];
    const expected = await attempt(() => agreementsOf(leaderAccount));
    const agreements = [...new Set(expected.ok ? expected.value.map((x) => x.agreement) : [])];
    const names = expected.ok ? expected.value.map((x) => x.name) : [];
    let done = 0;
    const readAll = (a: AccountApi) =>
      attempt(async () =>
        (
          await Promise.all(
            names.map(async (n) => {
              const x = await a.getSession(n);
              if (++done % 500 === 0) out.progress(`status --deep: ${done}/${names.length * 2} sessions read`);
              return x;
            }),
          )
        ).filter((x): x is Session => x !== undefined),
      );
    const [pS, sS] = await Promise.all([readAll(primary), readAll(secondary)]);
    if (pS.ok && sS.ok) {
      const [leader, follower] = leaderRole === "primary" ? [pS.value, sS.value] : [sS.value, pS.value];
      rows = lagRows(agreements, leader, follower, leaderRole);
      out.line("Generated control numbers (lag = how far the replication target's last change is behind):");
      out.line(`  ${"session".padEnd(40)} ${"primary".padStart(10)} ${"secondary".padStart(10)} ${"lag".padStart(8)}`);
      for (const r of rows.slice(0, 200)) {
        out.line(
          `  ${r.session.padEnd(40)} ${String(r.primary ?? "-").padStart(10)} ${String(r.secondary ?? "-").padStart(10)} ${(r.lagSeconds === undefined ? "-" : `${r.lagSeconds}s`).padStart(8)}`,
        );
      }
      if (rows.length > 200) out.line(`  … ${rows.length - 200} more (--json lists them all)`);
      if (phase !== "failover") {
        const late = rows.filter((r) => r.lagSeconds === undefined || r.lagSeconds > rpoSeconds);
        checks.push({
          name: "control-number lag",
          ok: late.length === 0,
          detail:
            late.length === 0
              ? `${rows.length} sessions within the RPO bound (${rpoSeconds / 60} min)`
              : `beyond ${rpoSeconds / 60} min or never replicated: ${late
                  .map((r) => r.session)
                  .slice(0, 20)
                  .join(", ")}${late.length > 20 ? `, … (${late.length - 20} more)` : ""}`,
        });
      }
      out.progress("status --deep: listing received-number sessions (paged)");
      const [pAll, sAll] = await Promise.all([
        attempt(() => primary.listSessions()),
        attempt(() => secondary.listSessions()),
      ]);
      if (pAll.ok && sAll.ok) {
        const count = (ss: readonly Session[]) => {
          const m = new Map<string, number>();
          for (const x of ss) {
            const r = parseReceivedSession(x.name, agreements);
            if (r) m.set(r.agreement, (m.get(r.agreement) ?? 0) + 1);
          }
          return m;
        };
        const [pc, sc] = [count(pAll.value), count(sAll.value)];
        const totals = {
          primary: [...pc.values()].reduce((a, b) => a + b, 0),
          secondary: [...sc.values()].reduce((a, b) => a + b, 0),
        };
        out.line(
          `Received control numbers (duplicate-check sessions): primary ${totals.primary}, secondary ${totals.secondary}`,
        );
      }
    } else {
      const error = !pS.ok ? `primary: ${pS.error}` : !sS.ok ? `secondary: ${sS.error}` : "";
      checks.push({
        name: "control-number lag",
        ok: phase === "failover" && sS.ok,
        detail: `sessions not readable (${error})`,
      });
    }
  }

  const record = await attempt(() => latestEpoch(ctx.stores.secondary));
  if (record.ok) {
    const open = record.value.epoch > 0 && !record.value.fallbackCompleted;
    out.line(
      `Runbook record: epoch ${record.value.epoch}${open ? `, failover ${record.value.epoch} open` : ", no failover open"}`,
    );
  } else checks.push({ name: "runbook record", ok: false, detail: `state store unreadable (${record.error})` });

  // The phase authority next to each stack's deployed phase and the file in git.
  const phases = await attempt(() =>
    phaseAgreement(
      ctx.stores.secondary,
      { primary: ctx.outputs.primary.drPhase, secondary: ctx.outputs.secondary.drPhase },
      ctx.repositoryPhase,
      ctx.names,
    ),
  );
  if (phases.ok) {
    const p = phases.value;
    out.line(
      `Phase authority: ${p.authorityPhase}${p.authority ? ` (epoch ${p.authority.epoch}, ${p.authority.operationId}, ${p.authority.changedAt}, ${p.authority.changedBy})` : " (no phase.json)"}; ` +
        `deployed: secondary ${p.secondaryDeployed}, primary ${p.primaryDeployed}; Pulumi.secondary.yaml: ${p.repository ?? "(not read)"}`,
    );
    checks.push({
      name: "phase agreement",
      ok: p.agree,
      detail: p.agree ? `all ${p.authorityPhase}` : p.differences.join("; "),
    });
  } else checks.push({ name: "phase agreement", ok: false, detail: `phase authority unreadable (${phases.error})` });

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
    details: { ready, checks, controlNumbers: rows, phases: phases.ok ? phases.value : undefined },
  };
}
