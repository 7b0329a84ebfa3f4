/**
 * The runbook's own `pulumi up` (Automation API driver) runs the policy pack. There is no Pulumi CLI
 * here, so the Automation API module is replaced by a recorder for the duration of the test and the
 * options the driver passes to `Stack.up` are checked.
 */
import * as assert from "assert";
import * as path from "path";
import { automationDriver } from "../runbook/pulumi";

describe("runbook automation driver", () => {
  it("passes the project's policy pack to every pulumi up it starts", async () => {
    const id = require.resolve("@pulumi/pulumi/automation");
    const saved = require.cache[id];
    const seen: { stackName: string; workDir: string; policyPacks?: string[] }[] = [];
    const fake = {
      LocalWorkspace: {
        selectStack: async (args: { stackName: string; workDir: string }) => ({
          up: async (opts: { policyPacks?: string[]; onOutput?: (t: string) => void }) => {
            opts.onOutput?.("Updating (secondary)\n\nResources: 3 unchanged\n");
            seen.push({ ...args, policyPacks: opts.policyPacks });
          },
        }),
      },
    };
    require.cache[id] = { id, filename: id, loaded: true, exports: fake } as unknown as NodeJS.Module;
    try {
      const driver = automationDriver("/srv/b2b-dr", {
        primary: "org/b2b-dr/primary",
        secondary: "org/b2b-dr/secondary",
      });
      const lines: string[] = [];
      await driver.up("secondary", (l) => lines.push(l));
      await driver.up("primary", () => undefined);
      assert.deepStrictEqual(seen, [
        {
          stackName: "org/b2b-dr/secondary",
          workDir: "/srv/b2b-dr",
          policyPacks: [path.join("/srv/b2b-dr", "policy")],
        },
        { stackName: "org/b2b-dr/primary", workDir: "/srv/b2b-dr", policyPacks: [path.join("/srv/b2b-dr", "policy")] },
      ]);
      assert.deepStrictEqual(lines, ["Updating (secondary)", "Resources: 3 unchanged"]);
    } finally {
      if (saved === undefined) delete require.cache[id];
      else require.cache[id] = saved;
    }
  });
});
