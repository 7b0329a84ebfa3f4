/**
 * How the offline plan holds up at scale, checked by behaviour rather than by time (the figures are
 * the benchmark's, docs/benchmarks/plan.md): the program declares its artifacts in batches, so the
 * SDK never holds more than a batch of them in flight; the plan lists resources in the order the
 * program declares them; and the transpiler of the render processes does not change the plan.
 */
import * as assert from "assert";
import * as path from "path";
import { generateCatalog } from "../bench/generate";
import { DECLARATION_BATCH, declareEach } from "../components/integrationAccount/context";
import { renderPair } from "../plan/render";
import { planFiles } from "../plan/write";
import { STACKS } from "../plan/types";
import { SAMPLE_CATALOG, tempDir } from "./helpers";

const ARTIFACT = /^b2b-(partner|schema|map|certificate|agreement)-/;

describe("declareEach", () => {
  it("declares every item in catalog order, keyed by name, and yields to the event loop after each batch", async () => {
    const events: string[] = [];
    const items = ["a", "b", "c", "d", "e"].map((name) => ({ name }));
    // An immediate queued now runs at the first yield, and not before.
    setImmediate(() => events.push("event loop"));
    const declared = await declareEach(items, (item) => (events.push(item.name), item.name.toUpperCase()), 2);
    assert.deepStrictEqual(
      [...declared],
      [
        ["a", "A"],
        ["b", "B"],
        ["c", "C"],
        ["d", "D"],
        ["e", "E"],
      ],
    );
    assert.deepStrictEqual(events, ["a", "b", "event loop", "c", "d", "e"]);
  });
});

describe("the offline plan at scale", function () {
  this.timeout(300_000);

  it("holds at most one batch of artifacts in flight, and lists resources in the order the program declares them", async () => {
    const catalog = path.join(tempDir(), "catalog");
    generateCatalog(catalog, { partners: 300, agreements: 300 }, SAMPLE_CATALOG);
    const pair = await renderPair({ catalog, phase: "failback" });
    for (const stack of STACKS) {
      const render = pair[stack];
      const artifacts = render.resources.filter((r) => ARTIFACT.test(r.name)).map((r) => r.name);
      const others = render.resources.length - artifacts.length;
      assert.ok(artifacts.length > 5 * DECLARATION_BATCH, `${stack}: ${artifacts.length} artifacts`);
      // Declared in one synchronous loop, all ~600 artifacts would be in flight at once.
      assert.ok(
        render.peakPending <= DECLARATION_BATCH + others,
        `${stack}: ${render.peakPending} resources in flight, more than a batch (${DECLARATION_BATCH}) and the ${others} others`,
      );
      // Catalog order (partners.yaml, then agreements.yaml), by kind in the component's order: the
      // engine would answer them in another order (a partner's registration waits for the account's).
      const expected = [
        ...["Contoso", ...Array.from({ length: 299 }, (_, g) => `P${String(g).padStart(4, "0")}`)].map(
          (p) => `b2b-partner-${p}`,
        ),
      ];
      assert.deepStrictEqual(
        artifacts.filter((n) => n.startsWith("b2b-partner-")),
        expected,
      );
      const agreements = artifacts.filter((n) => n.startsWith("b2b-agreement-"));
      assert.deepStrictEqual(
        agreements.map((n) => n.slice(-4)),
        Array.from({ length: 300 }, (_, i) => String(i).padStart(4, "0")),
      );
      assert.ok(
        artifacts.indexOf(agreements[0]!) > artifacts.indexOf(expected.at(-1)!),
        "agreements after the partners they name",
      );
    }
  });

  it("renders the same plan files whether SWC or the TypeScript compiler (as in `pulumi up`) loads the program", async () => {
    const [swc, typescript] = await Promise.all([
      renderPair({ phase: "failback" }),
      renderPair({ phase: "failback", transpiler: "typescript" }),
    ]);
    for (const stack of STACKS) {
      const a = planFiles(swc[stack]);
      const b = planFiles(typescript[stack]);
      assert.deepStrictEqual([...a.keys()].sort(), [...b.keys()].sort());
      for (const [file, content] of a) assert.strictEqual(content, b.get(file), `${stack}/${file}`);
      assert.ok(a.get("resources.json")!.length > 10_000);
    }
  });
});
