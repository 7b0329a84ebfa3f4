/**
 * Name-based (version 5, SHA-1) UUIDs, RFC 4122 §4.3: the same parts always give the same id, so a
 * resource named by one (a role assignment) never changes name between runs, and no random value
 * enters an input.
 */
import * as crypto from "crypto";

/** The namespace of b2b-dr's ids: itself a v5 UUID of "b2b-dr" in the RFC's URL namespace. */
const URL_NAMESPACE = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

function v5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  const hash = crypto.createHash("sha1").update(ns).update(name, "utf8").digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const B2BDR_NAMESPACE = v5(URL_NAMESPACE, "https://github.com/b2b-dr");

/** A stable GUID for `parts` (compared case-insensitively, as ARM ids are). */
export function deterministicGuid(...parts: readonly string[]): string {
  return v5(B2BDR_NAMESPACE, parts.map((p) => p.toLowerCase()).join("\n"));
}

/** Exposed for the RFC test vector. */
export const uuidV5 = v5;
