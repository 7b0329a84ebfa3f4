/** Command-line pieces the runbook and the catalog import share (tools/cli.ts). */
import * as assert from "assert";
import { UsageError, armEndpointOption } from "../tools/cli";

describe("--arm-endpoint", () => {
  it("accepts an https endpoint, public or sovereign", () => {
    assert.strictEqual(armEndpointOption("https://management.azure.com").host, "management.azure.com");
    assert.strictEqual(armEndpointOption("https://management.usgovcloudapi.net/").host, "management.usgovcloudapi.net");
  });

  it("refuses a value that is not a URL, naming it and the fix", () => {
    assert.throws(
      () => armEndpointOption("management.azure.com"),
      (e: unknown) =>
        e instanceof UsageError &&
        e.message.includes('"management.azure.com" is not a URL') &&
        e.message.includes("Fix: e.g. https://"),
    );
  });

  it("refuses plain http: a bearer token goes with every call", () => {
    assert.throws(
      () => armEndpointOption("http://127.0.0.1:8080"),
      (e: unknown) => e instanceof UsageError && /must be https .*http:\/\/127\.0\.0\.1:8080/.test(e.message),
    );
  });
});
