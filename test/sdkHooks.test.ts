/**
 * The offline engine's hook into the Pulumi SDK that has no public counterpart (plan/sdkHooks.ts):
 * this test fails by name when an SDK upgrade removes or adds a method it depends on.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { STACK_REFERENCE_OTHER_METHODS, STACK_REFERENCE_READ_METHODS } from "../plan/sdkHooks";

describe("Pulumi SDK hooks of the offline engine", () => {
  it("StackReference read recording: every method of StackReference.prototype is known, each read method exists", () => {
    const proto = pulumi.StackReference.prototype as unknown as Record<string, unknown>;
    const methods = Object.getOwnPropertyNames(proto).filter((m) => typeof proto[m] === "function");
    const known = new Set<string>([...STACK_REFERENCE_READ_METHODS, ...STACK_REFERENCE_OTHER_METHODS]);
    const unknown = methods.filter((m) => !known.has(m));
    assert.deepStrictEqual(
      unknown,
      [],
      `StackReference has new methods (${unknown.join(", ")}): if one reads an output by name, add it to ` +
        "STACK_REFERENCE_READ_METHODS in plan/sdkHooks.ts, else to STACK_REFERENCE_OTHER_METHODS",
    );
    const missing = STACK_REFERENCE_READ_METHODS.filter((m) => !methods.includes(m));
    assert.deepStrictEqual(missing, [], `StackReference no longer has ${missing.join(", ")}: update plan/sdkHooks.ts`);
  });

  it("late output registrations: ComponentResource registers its outputs by itself once, then ignores later calls", () => {
    const proto = pulumi.ComponentResource.prototype as unknown as Record<string, unknown>;
    assert.strictEqual(
      typeof proto.registerOutputs,
      "function",
      "update watchLateOutputRegistrations in plan/sdkHooks.ts",
    );
    // The SDK's own registration after the constructor, which makes a later explicit one a no-op.
    assert.strictEqual(
      typeof proto.initializeAndRegisterOutputs,
      "function",
      "the SDK no longer registers a component's outputs by itself: revisit watchLateOutputRegistrations in plan/sdkHooks.ts",
    );
  });
});
