/**
 * The custom Azure role definitions shipped in deploy/roles/ (docs/deployment.md, "Identities and
 * roles"): each is a valid input of `az role definition create`, the preview role changes nothing
 * but the two listCallbackUrl actions previews call, and the runbook role grants exactly the
 * operations the runbook's Azure SDK client calls (runbook/arm.ts), checked against the source.
 * Action names: https://learn.microsoft.com/azure/role-based-access-control/resource-provider-operations#microsoftlogic
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "./helpers";

interface RoleDefinition {
  Name: string;
  IsCustom: boolean;
  Description: string;
  Actions: string[];
  NotActions: string[];
  DataActions: string[];
  NotDataActions: string[];
  AssignableScopes: string[];
}

const DIR = path.join(PROJECT_DIR, "deploy", "roles");
const role = (file: string) => JSON.parse(fs.readFileSync(path.join(DIR, file), "utf8")) as RoleDefinition;

/** Whether `granted` (with `*` wildcards, case-insensitive as Azure compares) covers `action`. */
function covers(granted: string, action: string): boolean {
  const re = new RegExp(
    `^${granted
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  );
  return re.test(action);
}
const grants = (r: RoleDefinition, action: string) =>
  r.Actions.some((a) => covers(a, action)) && !r.NotActions.some((a) => covers(a, action));

/** The ARM operation behind each Azure SDK call the runbook makes. */
const SDK_CALL_ACTIONS: Record<string, string> = {
  "integrationAccountSessions.list": "Microsoft.Logic/integrationAccounts/sessions/read",
  "integrationAccountSessions.get": "Microsoft.Logic/integrationAccounts/sessions/read",
  "integrationAccountSessions.createOrUpdate": "Microsoft.Logic/integrationAccounts/sessions/write",
  "integrationAccountAgreements.get": "Microsoft.Logic/integrationAccounts/agreements/read",
  "integrationAccountAgreements.list": "Microsoft.Logic/integrationAccounts/agreements/read",
  "integrationAccountPartners.list": "Microsoft.Logic/integrationAccounts/partners/read",
  "integrationAccountSchemas.list": "Microsoft.Logic/integrationAccounts/schemas/read",
  "integrationAccountMaps.list": "Microsoft.Logic/integrationAccounts/maps/read",
  "integrationAccountCertificates.list": "Microsoft.Logic/integrationAccounts/certificates/read",
  "workflows.get": "Microsoft.Logic/workflows/read",
  "workflows.enable": "Microsoft.Logic/workflows/enable/action",
  "workflows.disable": "Microsoft.Logic/workflows/disable/action",
  "workflowRuns.list": "Microsoft.Logic/workflows/runs/read",
};

describe("custom Azure roles (deploy/roles)", () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".json"));

  it("are the three the deployment guide names, each a valid `az role definition create` input", () => {
    assert.deepStrictEqual(files.sort(), [
      "b2b-dr-deploy-authorization.json",
      "b2b-dr-preview.json",
      "b2b-dr-runbook.json",
    ]);
    for (const f of files) {
      const r = role(f);
      assert.deepStrictEqual(
        Object.keys(r).sort(),
        [
          "Actions",
          "AssignableScopes",
          "DataActions",
          "Description",
          "IsCustom",
          "Name",
          "NotActions",
          "NotDataActions",
        ],
        f,
      );
      assert.strictEqual(r.IsCustom, true, f);
      for (const a of r.Actions) assert.match(a, /^(\*|Microsoft\.[A-Za-z]+)(\/[A-Za-z*]+)+$/, `${f}: ${a}`);
      // The guide replaces this placeholder with the real subscription (docs/deployment.md).
      assert.deepStrictEqual(r.AssignableScopes, ["/subscriptions/00000000-0000-0000-0000-000000000000"], f);
    }
  });

  it("preview: reads, plus only the callback-URL actions a preview calls; no write, delete or data access", () => {
    const r = role("b2b-dr-preview.json");
    for (const a of [
      "Microsoft.Logic/integrationAccounts/read",
      "Microsoft.Web/connections/read",
      "Microsoft.Logic/integrationAccounts/listCallbackUrl/action",
      "Microsoft.Logic/workflows/triggers/listCallbackUrl/action",
    ])
      assert.ok(grants(r, a), a);
    for (const a of [
      "Microsoft.Logic/workflows/write",
      "Microsoft.Logic/workflows/disable/action",
      "Microsoft.Logic/integrationAccounts/sessions/write",
      "Microsoft.Logic/integrationAccounts/regenerateAccessKey/action",
      "Microsoft.Authorization/locks/write",
      "Microsoft.Resources/subscriptions/resourceGroups/delete",
    ])
      assert.ok(!grants(r, a), a);
    assert.deepStrictEqual(
      r.Actions.filter((a) => !a.endsWith("/read")),
      [
        "Microsoft.Logic/integrationAccounts/listCallbackUrl/action",
        "Microsoft.Logic/workflows/triggers/listCallbackUrl/action",
      ],
    );
    assert.deepStrictEqual(r.DataActions, []);
  });

  it("runbook: exactly the operations of every Azure SDK call in runbook/arm.ts", () => {
    const source = fs.readFileSync(path.join(PROJECT_DIR, "runbook", "arm.ts"), "utf8");
    const calls = [...new Set([...source.matchAll(/client\.(\w+)\.(\w+)\(/g)].map((m) => `${m[1]}.${m[2]}`))].sort();
    const unmapped = calls.filter((c) => SDK_CALL_ACTIONS[c] === undefined);
    assert.deepStrictEqual(unmapped, [], "a new SDK call needs its action here and in the runbook role");
    const r = role("b2b-dr-runbook.json");
    const needed = [...new Set(calls.map((c) => SDK_CALL_ACTIONS[c]!))].sort();
    for (const a of needed) assert.ok(grants(r, a), a);
    assert.deepStrictEqual([...r.Actions].sort(), needed, "nothing beyond what the runbook calls");
  });

  it("deploy authorization: the lock and role-assignment actions Contributor excludes, nothing else", () => {
    const r = role("b2b-dr-deploy-authorization.json");
    assert.ok(grants(r, "Microsoft.Authorization/locks/write"));
    assert.ok(grants(r, "Microsoft.Authorization/locks/delete"));
    assert.ok(grants(r, "Microsoft.Authorization/roleAssignments/write"));
    assert.ok(!grants(r, "Microsoft.Authorization/roleDefinitions/write"));
    assert.ok(r.Actions.every((a) => a.startsWith("Microsoft.Authorization/")));
  });

  it("the wildcard matcher is Azure's: case-insensitive, `*` spans segments (negative controls)", () => {
    assert.ok(covers("*/read", "microsoft.logic/workflows/read"));
    assert.ok(!covers("*/read", "Microsoft.Logic/workflows/write"));
    assert.ok(covers("Microsoft.Authorization/locks/*", "Microsoft.Authorization/locks/write"));
    assert.ok(!covers("Microsoft.Authorization/locks/*", "Microsoft.Authorization/roleAssignments/write"));
  });
});
