/**
 * The offline engine's hooks into the Pulumi SDK that have no public counterpart, kept in this file
 * so an SDK upgrade that breaks one fails a test by name (test/sdkHooks.test.ts).
 *
 * 1. Which outputs a program reads from a StackReference. The plan renders the two stacks until each
 * has read what the other publishes (a fixed point, plan/render.ts); to check that, it must know
 * which of the other stack's outputs a render read. The mock engine answers a StackReference's
 * registration (`Mocks.newResource` for `pulumi:pulumi:StackReference`, public) with all of the
 * other stack's outputs at once, and the program then reads single outputs from the deserialized
 * copy, which no public hook sees. So the read methods of `pulumi.StackReference` (public methods of
 * a public class) are wrapped to record the output name before the SDK's own implementation runs.
 */
import * as pulumi from "@pulumi/pulumi";

/*
 * 2. Output registrations a deployment would drop (`watchLateOutputRegistrations`). A component
 * registers its outputs once: the SDK calls `registerOutputs()` by itself (with none) when the
 * program first awaits after the component's constructor, and ignores every later call
 * (@pulumi/pulumi resource.js, `ComponentResource.initializeAndRegisterOutputs` and
 * `registerOutputs`). A component that registers them later, after an await, silently keeps none
 * in a deployment; the mock engine does not see registrations at all. So the public
 * `ComponentResource.prototype.registerOutputs` is wrapped to notice a call with outputs that
 * comes after the first.
 */

/** The public methods of `pulumi.StackReference` that read one output by name. */
export const STACK_REFERENCE_READ_METHODS = [
  "getOutput",
  "requireOutput",
  "getOutputDetails",
  "getOutputValue",
  "requireOutputValue",
] as const;

/**
 * Methods of `StackReference.prototype` known not to read an output by name (the constructor, and
 * the private helper the read methods share). Any other method fails the guard test: decide whether
 * it reads outputs, and list it here or above.
 */
export const STACK_REFERENCE_OTHER_METHODS = ["constructor", "readOutputValue"] as const;

let reads: Set<string> | undefined;

/**
 * Records, from now on in this process, the name of every output read through a StackReference;
 * returns the live set. Idempotent: the methods are wrapped once.
 */
export function recordStackReferenceReads(): ReadonlySet<string> {
  if (reads !== undefined) return reads;
  const read = (reads = new Set<string>());
  const proto = pulumi.StackReference.prototype as unknown as Record<string, unknown>;
  for (const method of STACK_REFERENCE_READ_METHODS) {
    const original = proto[method];
    if (typeof original !== "function") {
      throw new Error(
        `@pulumi/pulumi has no StackReference.${method} any more: update plan/sdkHooks.ts for this SDK version.`,
      );
    }
    proto[method] = function (this: unknown, name: unknown) {
      if (typeof name === "string") read.add(name);
      return (original as (name: unknown) => unknown).call(this, name);
    };
  }
  return read;
}

type LateRegistration = (component: pulumi.ComponentResource, outputNames: readonly string[]) => void;

let lateRegistrations: LateRegistration | undefined;

/**
 * Reports, from now on in this process, every component that registers outputs after its outputs
 * were already registered (they would be lost in a deployment). Installs the wrapper once.
 */
export function watchLateOutputRegistrations(report: LateRegistration): void {
  if (lateRegistrations !== undefined) {
    lateRegistrations = report;
    return;
  }
  lateRegistrations = report;
  const proto = pulumi.ComponentResource.prototype as unknown as Record<string, unknown>;
  const original = proto.registerOutputs;
  if (typeof original !== "function") {
    throw new Error(
      "@pulumi/pulumi has no ComponentResource.registerOutputs any more: update plan/sdkHooks.ts for this SDK version.",
    );
  }
  const registered = new WeakSet<object>();
  proto.registerOutputs = function (this: pulumi.ComponentResource, outputs?: unknown) {
    if (!registered.has(this)) registered.add(this);
    else if (outputs !== undefined && Object.keys(outputs as object).length > 0) {
      lateRegistrations?.(this, Object.keys(outputs as object));
    }
    return (original as (outputs?: unknown) => void).call(this, outputs);
  };
}
