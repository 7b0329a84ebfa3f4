/**
 * Bad input found by trying it (issue 9, items 6 and 10): each rule with a case that must be refused
 * (file, path, value, fix) and, where a boundary exists, the case just inside it that must be accepted.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { loadCatalog } from "../model/catalog";
import { ARTIFACT_CONTENT_LIMIT } from "../model/catalog/files";
import { placeholderIn } from "../model/catalog/placeholders";
import { parseStackConfig } from "../model/config";
import { loadProgramInputs } from "../model/inputs";
import { formatProblem } from "../model/problems";
import { RenderError, prepareJobs, renderStack } from "../plan/render";
import { PROJECT_DIR, SAMPLE_CATALOG, assertProblem, catalogCopy, problemsOf, tempDir } from "./helpers";

const load = (dir: string) => () => loadCatalog(dir, { displayRoot: path.dirname(dir) });

const stackConfig = (role: string, region: string, extra: Record<string, unknown> = {}) => ({
  "b2b-dr:role": role,
  "b2b-dr:region": region,
  "b2b-dr:environment": "prod",
  "b2b-dr:peerStack": `organization/b2b-dr/${role === "primary" ? "secondary" : "primary"}`,
  "b2b-dr:catalogPath": SAMPLE_CATALOG,
  ...extra,
});

/** A project directory with the two stack files (only what the rules read). */
function project(primaryRegion: string, secondaryRegion: string): string {
  const dir = tempDir();
  fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  for (const [stack, region] of [
    ["primary", primaryRegion],
    ["secondary", secondaryRegion],
  ] as const) {
    const config = Object.entries(stackConfig(stack, region))
      .map(([k, v]) => `  ${k}: ${String(v)}`)
      .join("\n");
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), `config:\n${config}\n`);
  }
  return dir;
}

describe("bad input: YAML", () => {
  it("names a duplicate key, its map and the line of its first occurrence", () => {
    const dir = catalogCopy({
      "partners.yaml": (t) => t.replace("    host: true\n", "    host: true\n    host: false\n"),
    });
    const p = assertProblem(problemsOf(load(dir)), {
      file: "catalog/partners.yaml",
      path: "(YAML syntax)",
      line: 7,
      value: "host",
      message: /^duplicate key: "host" appears again in partners\[0\] \(first at line 6\); map keys must be unique$/,
      fix: /keep one host: entry in partners\[0\]/,
    });
    assert.match(formatProblem(p), /= "host"/);
  });

  it("shows a non-finite number as written, once, at its path", () => {
    const dir = catalogCopy({
      "agreements.yaml": (t) =>
        t
          .replace("traffic: { peakMessagesPerMinute: 20 }", "traffic: { peakMessagesPerMinute: .inf }")
          .replace("traffic: { peakMessagesPerMinute: 5 }", "traffic: { peakMessagesPerMinute: 1e999 }"),
    });
    const problems = problemsOf(load(dir));
    for (const [i, written] of [
      [0, ".inf"],
      [1, "1e999"],
    ] as const) {
      const p = assertProblem(problems, {
        file: "catalog/agreements.yaml",
        path: `agreements[${i}].traffic.peakMessagesPerMinute`,
        value: written,
        message: new RegExp(`is not a finite number: YAML reads ${written.replace(".", "\\.")} as Infinity`),
        fix: /finite number/,
      });
      assert.ok(p.line !== undefined);
      assert.match(formatProblem(p), new RegExp(`= "${written.replace(".", "\\.")}"`));
      assert.strictEqual(
        problems.filter((q) => q.path === p.path).length,
        1,
        "reported once, not also as a type error",
      );
    }
  });

  it("prints a non-finite config value as Infinity, never null", () => {
    const r = parseStackConfig({ ...stackConfig("primary", "westeurope"), "b2b-dr:bumpMinimum": Infinity }, "x.yaml");
    assert.ok(!r.ok);
    const text = r.problems.map(formatProblem).join("\n");
    assert.match(text, /b2b-dr:bumpMinimum = Infinity/);
    assert.doesNotMatch(text, /= null/);
  });
});

describe("bad input: files the catalog points at", () => {
  const xsd = (bytes: number) => {
    const head = '<?xml version="1.0"?>\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><!--';
    const tail = "--></xs:schema>\n";
    return head + "x".repeat(bytes - head.length - tail.length) + tail;
  };

  it("accepts a schema of exactly the inline limit and refuses one byte more, naming Azure's rule", () => {
    assert.ok(loadCatalog(catalogCopy({ "schemas/X12_00401_850.xsd": xsd(ARTIFACT_CONTENT_LIMIT) })));
    const dir = catalogCopy({ "schemas/X12_00401_850.xsd": xsd(ARTIFACT_CONTENT_LIMIT + 1) });
    assertProblem(problemsOf(load(dir)), {
      file: "catalog/artifacts.yaml",
      path: "schemas[0].file",
      value: "schemas/X12_00401_850.xsd",
      message: /is 2097153 bytes; Azure takes a schema larger than 2 MB only through a blob link/,
      fix: /smaller than 2 MB/,
    });
  });

  it("refuses a map above Azure's 8 MB limit", () => {
    const dir = catalogCopy({ "maps/Order_to_Json.liquid": "{{ x }}\n".repeat(1_100_000) });
    assertProblem(problemsOf(load(dir)), {
      path: "maps[1].file",
      message: /is 8800000 bytes; Azure refuses a map larger than 8 MB/,
    });
  });

  it("refuses paths that leave the catalog directory: '..', absolute, and a symbolic link", () => {
    const outside = path.join(tempDir(), "outside.xsd");
    fs.copyFileSync(path.join(SAMPLE_CATALOG, "schemas/X12_00401_850.xsd"), outside);
    const dir = catalogCopy({
      "artifacts.yaml": (t) =>
        t
          .replace("file: schemas/X12_00401_850.xsd", "file: schemas/../../outside.xsd")
          .replace("file: schemas/X12_00401_810.xsd", `file: ${outside}`)
          .replace("file: schemas/EFACT_D96A_ORDERS.xsd", "file: schemas/link.xsd"),
    });
    fs.symlinkSync(outside, path.join(dir, "schemas/link.xsd"));
    const problems = problemsOf(load(dir));
    assertProblem(problems, {
      path: "schemas[0].file",
      value: "schemas/../../outside.xsd",
      message: /leaves the catalog directory/,
      fix: /relative to the catalog directory/,
    });
    assertProblem(problems, { path: "schemas[1].file", value: outside, message: /is an absolute path/ });
    assertProblem(problems, {
      path: "schemas[2].file",
      value: "schemas/link.xsd",
      message: /resolves through a symbolic link to .*outside\.xsd, outside the catalog directory/,
      fix: /copy of the file/,
    });
  });

  it("accepts a symbolic link that stays inside the catalog directory", () => {
    const dir = catalogCopy({
      "artifacts.yaml": (t) => t.replace("file: schemas/X12_00401_850.xsd", "file: schemas/link.xsd"),
    });
    fs.symlinkSync(path.join(dir, "schemas/X12_00401_850.xsd"), path.join(dir, "schemas/link.xsd"));
    assert.strictEqual(loadCatalog(dir).schemas[0]?.file, "schemas/link.xsd");
  });
});

describe("bad input: names Azure refuses", () => {
  it("refuses an artifact name ending in a period, and one of 81 characters", () => {
    const dir = catalogCopy({
      "artifacts.yaml": (t) =>
        t
          .replace("name: X12_850_to_Order", "name: X12_850_to_Order.")
          .replace("name: fabrikam-as2", `name: ${"c".repeat(81)}`),
    });
    const problems = problemsOf(load(dir));
    assertProblem(problems, {
      path: "maps[0].name",
      value: "X12_850_to_Order.",
      message: /map name ends with a period, which Azure refuses/,
      fix: /not ending in '\.'/,
    });
    assertProblem(problems, { path: "certificates[1].name", message: /81 characters long; Azure allows at most 80/ });
  });
});

describe("bad input: the stack files of the pair", () => {
  it("names role when it contradicts the stack file's name", () => {
    const r = parseStackConfig(stackConfig("secondary", "northeurope"), "Pulumi.primary.yaml");
    assert.ok(!r.ok);
    assertProblem(r.problems, {
      file: "Pulumi.primary.yaml",
      path: "b2b-dr:role",
      value: "secondary",
      message: /contradicts the file name: Pulumi\.primary\.yaml is the primary stack's config/,
      fix: /set b2b-dr:role to primary/,
    });
    const named = parseStackConfig(stackConfig("primary", "westeurope"), "Pulumi.prod-secondary.yaml");
    assert.ok(!named.ok && named.problems.some((p) => p.path === "b2b-dr:role"));
    assert.ok(parseStackConfig(stackConfig("secondary", "northeurope"), "Pulumi.dr.yaml").ok, "no role in the name");
  });

  it("refuses both stacks in one region, the same problem from either stack, once in the offline plan", () => {
    const dir = project("westeurope", "westeurope");
    const expected = {
      file: "Pulumi.secondary.yaml",
      path: "b2b-dr:region",
      value: "westeurope",
      message:
        /is also the primary's region \(Pulumi\.primary\.yaml\); the two stacks of a DR pair must be in different regions/,
      fix: /northeurope for westeurope/,
    };
    const fromPrimary = assertProblem(
      problemsOf(() => loadProgramInputs(stackConfig("primary", "westeurope"), "Pulumi.primary.yaml", dir)),
      expected,
    );
    const fromSecondary = assertProblem(
      problemsOf(() => loadProgramInputs(stackConfig("secondary", "westeurope"), "Pulumi.secondary.yaml", dir)),
      expected,
    );
    assert.deepStrictEqual(fromPrimary, fromSecondary);
    const plan = problemsOf(() => prepareJobs({ projectDir: dir }));
    assert.strictEqual(plan.filter((p) => p.path === "b2b-dr:region").length, 1);
    // Two regions, or a peer whose stack file is not here: no problem.
    assert.ok(
      loadProgramInputs(
        stackConfig("primary", "westeurope"),
        "Pulumi.primary.yaml",
        project("westeurope", "northeurope"),
      ),
    );
    assert.ok(loadProgramInputs(stackConfig("primary", "westeurope"), "Pulumi.primary.yaml", tempDir()));
  });
});

describe("bad input: SKU advice", () => {
  const sku = (value: string, extra: Record<string, unknown> = {}) =>
    problemsOf(() =>
      loadProgramInputs(
        stackConfig("primary", "westeurope", { "b2b-dr:integrationAccountSku": value, ...extra }),
        "Pulumi.primary.yaml",
        tempDir(),
      ),
    );

  it("never suggests Free for a production stack", () => {
    const p = assertProblem(sku("Basic"), {
      path: "b2b-dr:integrationAccountSku",
      value: "Basic",
      message: /too small/,
      fix: /^set b2b-dr:integrationAccountSku to Standard$/,
    });
    assert.doesNotMatch(p.fix, /Free/);
  });

  it("mentions Free only on a non-production stack, with its caveat", () => {
    assertProblem(sku("Basic", { "b2b-dr:nonProduction": "true" }), {
      path: "b2b-dr:integrationAccountSku",
      message: /too small/,
      fix: /to Free \(this stack is non-production: Free has no SLA\) or Standard/,
    });
  });
});

describe("placeholders of the sample (issue 9, item 6)", () => {
  const real = (dir: string) =>
    loadProgramInputs(
      stackConfig("primary", "westeurope", {
        "b2b-dr:catalogPath": dir,
        "b2b-dr:alertEmails": JSON.stringify(["oncall@contoso.com"]),
      }),
      "Pulumi.primary.yaml",
      tempDir(),
      undefined,
      undefined,
      { placeholders: "refuse" },
    );

  it("recognises the sample's placeholders and nothing that merely looks close", () => {
    for (const v of [
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg",
      "edi@fabrikam.example",
      "https://www.example.com/as2",
      "host.invalid",
    ])
      assert.ok(placeholderIn(v), v);
    for (const v of [
      "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg",
      "edi@fabrikam.com",
      "examples.com",
      "schemas/X12_00401_850.xsd",
      "example",
    ])
      assert.strictEqual(placeholderIn(v), undefined, v);
  });

  it("warns offline, naming file, line, path, value and fix, and the sample still loads", () => {
    const inputs = loadProgramInputs(stackConfig("primary", "westeurope"), "Pulumi.primary.yaml", PROJECT_DIR);
    const vault = inputs.warnings.find((w) => w.includes("certificates[0].privateKey.keyVault.primary"));
    assert.match(
      vault ?? inputs.warnings.join("\n"),
      /^catalog\/artifacts\.yaml:19 certificates\[0\]\.privateKey\.keyVault\.primary = "\/subscriptions\/0{8}-0{4}-0{4}-0{4}-0{12}\/.*" still holds the all-zero placeholder subscription id.*a deployment into a real subscription refuses it.*fix: .*Resource ID/,
    );
  });

  it("refuses them for a real subscription: every placeholder at once, in the catalog and the stack file", () => {
    const problems = problemsOf(() =>
      loadProgramInputs(
        stackConfig("primary", "westeurope", { "b2b-dr:alertEmails": JSON.stringify(["edi-oncall@contoso.example"]) }),
        "Pulumi.primary.yaml",
        PROJECT_DIR,
        undefined,
        undefined,
        { placeholders: "refuse" },
      ),
    );
    assertProblem(problems, {
      file: "Pulumi.primary.yaml",
      path: "b2b-dr:alertEmails[0]",
      value: "edi-oncall@contoso.example",
      message: /reserved for documentation/,
      fix: /real address/,
    });
    for (const role of ["primary", "secondary"]) {
      assertProblem(problems, {
        file: "catalog/artifacts.yaml",
        path: `certificates[0].privateKey.keyVault.${role}`,
        message: /all-zero placeholder subscription id/,
        fix: /Resource ID/,
      });
    }
    assertProblem(problems, {
      file: "catalog/partners.yaml",
      path: "partners[1].metadata.contact",
      value: "edi@fabrikam.example",
      message: /reserved for documentation/,
    });
    assertProblem(problems, {
      file: "catalog/inbound.yaml",
      path: "publisher.email",
      value: "b2b-ops@contoso.example",
      message: /reserved for documentation/,
    });
    assert.strictEqual(problems.length, 7, problems.map(formatProblem).join("\n"));
  });

  it("accepts a catalog without placeholders for a real subscription", () => {
    const dir = catalogCopy({
      "artifacts.yaml": (t) =>
        t.replaceAll("00000000-0000-0000-0000-000000000000", "6f1c2a9e-3b1d-4c55-9a0e-2d1f7b3c8e41"),
      "partners.yaml": (t) => t.replaceAll(".example", ".com"),
      "inbound.yaml": (t) => t.replaceAll(".example", ".com"),
    });
    assert.ok(real(dir).catalog);
  });

  it("the program refuses them, before registering anything, when the subscription is real", async () => {
    const job = prepareJobs({}).primary;
    await assert.rejects(
      renderStack({ ...job, subscriptionId: "6f1c2a9e-3b1d-4c55-9a0e-2d1f7b3c8e41" }),
      (e: unknown) => {
        assert.ok(e instanceof RenderError && e.userError, String(e));
        assert.strictEqual(e.registered, 0);
        assert.match(e.message, /certificates\[0\]\.privateKey\.keyVault\.primary = .*\n.*all-zero placeholder/);
        return true;
      },
    );
  });
});

describe("catalog clock", () => {
  it("warns about a certificate expiring within 30 days of the injected time, and not before", () => {
    const cert = loadCatalog(SAMPLE_CATALOG).certificates.find((c) => c.notAfter !== undefined);
    assert.ok(cert?.notAfter);
    const expiry = Date.parse(cert.notAfter);
    const at = (daysBefore: number) => loadCatalog(SAMPLE_CATALOG, { now: expiry - daysBefore * 86_400_000 }).warnings;
    assert.deepStrictEqual(at(31), []);
    assert.ok(
      at(29).some((w) => w.startsWith(`artifacts.yaml: certificate ${cert.name} expires on ${cert.notAfter}`)),
      at(29).join("\n"),
    );
  });
});
