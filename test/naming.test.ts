/** The naming module: CAF prefixes, Azure's limits, and names that never change under a working stack. */
import * as assert from "assert";
import fc from "fast-check";
import type { ComponentResource } from "@pulumi/pulumi";
import * as naming from "../model/naming";

const scope = { environment: "prod", region: "westeurope" };

describe("naming", () => {
  it("gives CAF-prefixed, lower-case names (a public contract: changing them replaces resources)", () => {
    assert.strictEqual(naming.resourceGroupName(scope), "rg-b2bdr-prod-westeurope");
    assert.strictEqual(naming.integrationAccountName(scope), "ia-b2bdr-prod-westeurope");
    assert.strictEqual(naming.workflowName(scope, "X12-Replication"), "logic-b2bdr-prod-westeurope-x12-replication");
    assert.strictEqual(naming.connectionName(scope, "x12-source"), "conn-b2bdr-prod-westeurope-x12-source");
    assert.strictEqual(naming.lockName(scope), "lock-ia-b2bdr-prod-westeurope");
  });

  it("differs per region and per environment", () => {
    const other = { environment: "prod", region: "northeurope" };
    assert.notStrictEqual(naming.integrationAccountName(scope), naming.integrationAccountName(other));
    assert.notStrictEqual(naming.resourceGroupName(scope), naming.resourceGroupName({ ...scope, environment: "test" }));
  });

  it("refuses a name over Azure's length limit, saying how to fix it", () => {
    assert.throws(
      () => naming.workflowName({ environment: "prod", region: "australiasoutheast" }, "x".repeat(60)),
      /workflow name "logic-b2bdr-prod-australiasoutheast-x{60}" is 96 characters long; Azure allows at most 80\. Shorten/,
    );
  });

  it("nameProblem accepts exactly what Azure's pattern and length allow", () => {
    assert.strictEqual(naming.nameProblem("artifact", "Contoso-Fabrikam_X12.(v2)"), undefined);
    assert.match(naming.nameProblem("artifact", "") ?? "", /empty/);
    assert.match(naming.nameProblem("artifact", "a b") ?? "", /characters Azure refuses/);
    assert.match(naming.nameProblem("artifact", "a".repeat(81)) ?? "", /81 characters long/);
    assert.strictEqual(naming.nameProblem("artifact", "a".repeat(80)), undefined);
    assert.match(naming.nameProblem("resourceGroup", "rg-ends-with-dot.") ?? "", /refuses/);
  });

  it("every name built from a valid environment and a known region is valid (property)", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]{1,12}$/),
        fc.constantFrom("westeurope", "northeurope", "australiasoutheast", "eastus2", "germanywestcentral"),
        fc.constantFrom("x12-replication", "edifact-replication", "as2-replication", "as2-receive"),
        (environment, region, purpose) => {
          const s = { environment, region };
          for (const [kind, name] of [
            ["resourceGroup", naming.resourceGroupName(s)],
            ["integrationAccount", naming.integrationAccountName(s)],
            ["workflow", naming.workflowName(s, purpose)],
            ["connection", naming.connectionName(s, purpose)],
          ] as const) {
            assert.strictEqual(naming.nameProblem(kind, name), undefined, name);
          }
        },
      ),
    );
  });
});

describe("deterministic GUIDs", () => {
  it("match RFC 4122's v5 construction (the Python uuid5 vector) and are stable", async () => {
    const { uuidV5, deterministicGuid } = await import("../model/guid");
    // uuid.uuid5(uuid.NAMESPACE_DNS, "python.org") == 886313e1-3b8a-5372-9b90-0c9aee199e5d
    assert.strictEqual(
      uuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"),
      "886313e1-3b8a-5372-9b90-0c9aee199e5d",
    );
    assert.strictEqual(deterministicGuid("A", "b"), deterministicGuid("a", "B"));
    assert.notStrictEqual(deterministicGuid("a", "b"), deterministicGuid("a", "c"));
  });
});

describe("moved resources keep their URNs", () => {
  it("a business workflow or connection moved under BusinessWorkflows is aliased to its old parent", async () => {
    const { movedChildOptions } = await import("../components/businessWorkflows");
    const parent = {} as ComponentResource;
    const previous = {} as ComponentResource;
    const opts = movedChildOptions(parent, previous);
    assert.strictEqual(opts.parent, parent);
    assert.deepStrictEqual(opts.aliases, [{ parent: previous }]);
    assert.deepStrictEqual(movedChildOptions(parent, undefined).aliases, []);
  });
});
