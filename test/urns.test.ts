/** Logical names are a contract: the URNs of each stack in each phase are pinned in test/golden/urns/. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { STACKS } from "../plan/types";
import { urnDiff, urnFile, urnList } from "../plan/urns";
import { PHASES, pairFor } from "./renders";

const GOLDEN = path.join(__dirname, "golden", "urns");

describe("URNs (logical names) of the sample stacks", function () {
  this.timeout(120_000);

  for (const phase of PHASES) {
    for (const stack of STACKS) {
      it(`${stack} in phase ${phase} has the URNs of test/golden/urns/${urnFile(stack, phase)}`, async () => {
        const file = path.join(GOLDEN, urnFile(stack, phase));
        assert.ok(fs.existsSync(file), `${file} is missing: run \`npm run urns:update\` and commit it`);
        const diff = urnDiff(fs.readFileSync(file, "utf8"), urnList((await pairFor(phase))[stack]));
        assert.ok(
          diff.length === 0,
          [
            `The URNs of stack ${stack} in phase ${phase} differ from test/golden/urns/${urnFile(stack, phase)}`,
            "(- gone: a deployment deletes it; + new: a deployment creates it):",
            ...diff.map((d) => `  ${d}`),
            "A changed URN is a delete and a create of the resource (protected ones fail the update). If the change",
            "is intended, give each renamed or re-parented resource an alias with its old name or parent",
            "(https://www.pulumi.com/docs/iac/concepts/options/aliases/), then run `npm run urns:update` and commit.",
          ].join("\n"),
        );
      });
    }
  }

  it("reports a renamed resource as one gone and one new URN", () => {
    const before = "urn:pulumi:primary::b2b-dr::t:m:T::a\nurn:pulumi:primary::b2b-dr::t:m:T::b\n";
    const after = "urn:pulumi:primary::b2b-dr::t:m:T::a\nurn:pulumi:primary::b2b-dr::t:m:T::c\n";
    assert.deepStrictEqual(urnDiff(before, after), [
      "- urn:pulumi:primary::b2b-dr::t:m:T::b",
      "+ urn:pulumi:primary::b2b-dr::t:m:T::c",
    ]);
    assert.deepStrictEqual(urnDiff(before, before), []);
  });
});
