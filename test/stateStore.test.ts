/** The runbook's JSON document store against the real storage emulator (Azurite): ETags and conflicts. */
import * as assert from "assert";
import { Azurite, azuriteJsonStore, startAzurite } from "./support/azurite";
import { ConcurrentWriteError, JsonStore, UnreadableDocumentError } from "../runbook/stateStore";

describe("runbook state store (Azurite)", function () {
  this.timeout(300_000);
  let azurite: Azurite;
  let store: JsonStore;

  before(async () => {
    azurite = await startAzurite();
    store = await azuriteJsonStore(azurite);
  });
  after(async () => {
    await azurite?.stop();
  });

  it("reads nothing for a missing document, then what was written with its ETag", async () => {
    assert.strictEqual(await store.read("runs/none.json"), undefined);
    const etag = await store.write("runs/a.json", { n: 1 }, { ifNoneMatch: "*" });
    const doc = await store.read<{ n: number }>("runs/a.json");
    assert.deepStrictEqual(doc?.value, { n: 1 });
    assert.strictEqual(doc?.etag, etag);
  });

  it("replaces a document only at the ETag read; a stale ETag throws ConcurrentWriteError and changes nothing", async () => {
    await store.write("runs/b.json", { n: 1 }, { ifNoneMatch: "*" });
    const first = (await store.read<{ n: number }>("runs/b.json"))!;
    await store.write("runs/b.json", { n: 2 }, { ifMatch: first.etag });
    await assert.rejects(
      store.write("runs/b.json", { n: 3 }, { ifMatch: first.etag }),
      (e: unknown) =>
        e instanceof ConcurrentWriteError &&
        e.statusCode === 412 &&
        /another operator is probably running/.test(e.message),
    );
    assert.deepStrictEqual((await store.read("runs/b.json"))?.value, { n: 2 });
  });

  it("creates only once: a second create-if-absent throws ConcurrentWriteError", async () => {
    await store.write("runs/c.json", { by: "one" }, { ifNoneMatch: "*" });
    await assert.rejects(store.write("runs/c.json", { by: "two" }, { ifNoneMatch: "*" }), ConcurrentWriteError);
    assert.deepStrictEqual((await store.read("runs/c.json"))?.value, { by: "one" });
  });

  it("of two concurrent writers at the same ETag, exactly one wins", async () => {
    await store.write("runs/d.json", { v: 0 }, { ifNoneMatch: "*" });
    const { etag } = (await store.read("runs/d.json"))!;
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map((v) => store.write("runs/d.json", { v }, { ifMatch: etag })),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    assert.strictEqual(won.length, 1);
    for (const r of results) if (r.status === "rejected") assert.ok(r.reason instanceof ConcurrentWriteError);
  });

  it("names a document that is not JSON, with the fix", async () => {
    const body = "not json";
    await azurite.containerClient("b2b-dr").getBlockBlobClient("runs/bad.json").upload(body, body.length);
    await assert.rejects(
      store.read("runs/bad.json"),
      (e: unknown) => e instanceof UnreadableDocumentError && /runs\/bad\.json is not JSON/.test((e as Error).message),
    );
  });
});
