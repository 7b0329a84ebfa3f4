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

  it("refuses an artifact name ending in a period (Microsoft.Logic naming rules), nothing else that is valid", () => {
    for (const bad of ["Contoso.", ".", "a.."])
      assert.match(naming.nameProblem("artifact", bad) ?? "", /ends with a period, which Azure refuses/, bad);
    assert.match(naming.nameProblem("artifact", "a b.") ?? "", /characters Azure refuses/);
    for (const ok of ["Contoso.v2", "X12_00401_850", "Order(v2)", "a", "-a_", "1.0"])
      assert.strictEqual(naming.nameProblem("artifact", ok), undefined, ok);
  });

  it("every name of Azure's artifact alphabet up to 80 characters is accepted unless it ends in '.' (property)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z0-9_.()-]{1,80}$/), (name) => {
        const problem = naming.nameProblem("artifact", name);
        if (name.endsWith(".")) assert.match(problem ?? "", /ends with a period/);
        else assert.strictEqual(problem, undefined);
      }),
    );
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
  describe("storageAccountName", () => {
    const sub = "00000000-0000-0000-0000-000000000001";
    it("is 3-24 lower-case letters and digits, deterministic, and pinned (changing it replaces the state store)", () => {
      const name = naming.storageAccountName(scope, sub);
      assert.match(name, /^stb2bdrprod[0-9a-z]{13}$/);
      assert.strictEqual(name, naming.storageAccountName({ ...scope }, sub));
      assert.strictEqual(naming.storageAccountName(scope, sub.toUpperCase()), name);
    });
    it("differs per subscription, region and environment", () => {
      const names = new Set([
        naming.storageAccountName(scope, sub),
        naming.storageAccountName({ ...scope, region: "northeurope" }, sub),
        naming.storageAccountName({ ...scope, environment: "test" }, sub),
        naming.storageAccountName(scope, "00000000-0000-0000-0000-000000000002"),
      ]);
      assert.strictEqual(names.size, 4);
    });
    it("keeps within 24 characters for any environment (property)", () => {
      fc.assert(
        fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.uuid(), (environment, subscription) => {
          const name = naming.storageAccountName({ environment, region: "australiasoutheast" }, subscription);
          return /^[a-z0-9]{3,24}$/.test(name);
        }),
      );
    });
    it("nameProblem says what a storage account name must be", () => {
      assert.match(naming.nameProblem("storageAccount", "St-Bad") ?? "", /3-24 lower-case letters and digits/);
      assert.match(naming.nameProblem("storageAccount", "a".repeat(25)) ?? "", /at most 24/);
    });
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
