import type { PeerOutputs, RecordedInvoke, RecordedResource } from "./engine";
import type { AuthorityRecord } from "../model/phaseRule";
import type { StoreLocation } from "../model/phaseRule";

export const STACKS = ["primary", "secondary"] as const;
export type StackName = (typeof STACKS)[number];

/** What the worker needs to render one stack. */
export interface RenderJob {
  readonly projectDir: string;
  readonly stack: StackName;
  /** Fully qualified config keys → string values, as the Pulumi engine hands them to the program. */
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
  readonly subscriptionId: string;
  /** The other stack's outputs, or undefined when the parent sends them later (`{ peer }` message). */
  readonly peer: PeerOutputs | undefined;
  /** Wait for the parent to send the other stack's outputs before a StackReference resolves. */
  readonly peerFromParent: boolean;
  /** What the phase authority (`phase.json`) holds for this render; null: no blob. */
  readonly authority: AuthorityRecord | null;
}

/** One rendered stack. `rawOutputs` holds real (mock) secret values: never write it to disk. */
export interface StackRender {
  readonly stack: StackName;
  readonly resources: readonly RecordedResource[];
  readonly invokes: readonly RecordedInvoke[];
  /** Stack outputs with secrets replaced by `[secret]` (the shape of `pulumi stack output --json`). */
  readonly outputs: Record<string, unknown>;
  readonly rawOutputs: Record<string, unknown>;
  readonly secretOutputNames: readonly string[];
  readonly warnings: readonly string[];
  /** What the program read from the other stack's outputs: key → value it got (undefined: absent). */
  readonly peerRead: Readonly<Record<string, unknown>>;
  /** Every location the program read the phase authority from (the offline reader records them). */
  readonly authorityReads: readonly StoreLocation[];
  /** The keys of `peerRead` that were secret in what the render was given. */
  readonly peerReadSecret: readonly string[];
  /** Peak resident memory of the render process, in bytes. */
  readonly maxRssBytes: number;
  /** The most resources declared and not yet handed to the engine at once (`Engine.peakPending`). */
  readonly peakPending: number;
}
