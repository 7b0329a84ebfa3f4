/**
 * `pulumi stack init --secrets-provider …` adds `secretsprovider:` and `encryptedkey:` to a stack file
 * that already exists (https://www.pulumi.com/docs/iac/concepts/secrets/). The offline plan and the
 * runbook read stack files through `readStackFile`: those lines must change nothing for them, and a
 * `secure:` value must stay masked.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { readStackFile } from "../plan/render";
import type { Problem } from "../model/problems";
import { PROJECT_DIR, tempDir } from "./helpers";

describe("stack files with a secrets provider", () => {
  it("read the same config with azurekeyvault or passphrase lines, and keep secure values masked", () => {
    const original: Problem[] = [];
    const before = readStackFile(PROJECT_DIR, "secondary", original);
    assert.ok(before !== undefined && original.length === 0);
    const text = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.secondary.yaml"), "utf8");
    for (const header of [
      "secretsprovider: azurekeyvault://kv-b2bdr-state.vault.azure.net/keys/pulumi-b2bdr\nencryptedkey: cnZvMmJFcHlOMDVTTm10cFpqTjRWSGxE\n",
      "encryptionsalt: v1:ZW5jcnlwdGlvbnNhbHQ=:v1:AAAA:BBBB\n",
    ]) {
      const dir = tempDir();
      fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
      fs.writeFileSync(
        path.join(dir, "Pulumi.secondary.yaml"),
        `${header}${text}  b2b-dr:callbackUrlNotAfter:\n    secure: v1:AAAABBBBCCCC\n`,
      );
      const problems: Problem[] = [];
      const after = readStackFile(dir, "secondary", problems);
      assert.deepStrictEqual(problems, []);
      assert.deepStrictEqual(after?.raw, { ...before!.raw, "b2b-dr:callbackUrlNotAfter": "[secret]" });
      assert.deepStrictEqual(after?.secretKeys, ["b2b-dr:callbackUrlNotAfter"]);
    }
  });
});
