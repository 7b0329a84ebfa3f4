/**
 * Switch announcements against a local HTTP receiver: the chat webhook and the Application Insights
 * track endpoint (whose event the secondary's log alert turns into the action group's e-mail).
 */
import * as assert from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import {
  APPINSIGHTS_ENV,
  SWITCH_EVENT,
  SwitchEvent,
  WEBHOOK_ENV,
  eventText,
  notifierFromEnv,
  parseConnectionString,
} from "../runbook/notify";

interface Received {
  readonly path: string;
  readonly body: unknown;
}

/** A local receiver that answers `status` (or never answers for "hang") and records every POST. */
async function receiver(status: number | "hang" = 200) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: JSON.parse(body) as unknown });
      if (status === "hang") return;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const EVENT: SwitchEvent = {
  command: "failover",
  stage: "completed",
  epoch: 2,
  phase: "failover",
  regions: { from: "westeurope", to: "northeurope" },
  bumps: "4 sessions bumped (Contoso-Fabrikam-X12-ICN 5000 -> 5880)",
};

describe("switch notifications", () => {
  it("posts the event text to the chat webhook and a custom event to Application Insights", async () => {
    const chat = await receiver();
    const ai = await receiver();
    try {
      const notifier = notifierFromEnv(
        {
          [WEBHOOK_ENV]: `${chat.url}/hooks/T000/B000/secret-token`,
          [APPINSIGHTS_ENV]: `InstrumentationKey=11111111-2222-3333-4444-555555555555;IngestionEndpoint=${ai.url}/;LiveEndpoint=https://x/`,
        },
        { now: () => new Date("2026-11-29T10:00:00Z") },
      );
      assert.deepStrictEqual(notifier.receivers.length, 2);
      assert.ok(
        notifier.receivers.every((r) => !r.includes("secret-token")),
        "receiver names never show the URL",
      );
      assert.deepStrictEqual(await notifier.notify(EVENT), []);

      assert.deepStrictEqual(chat.received, [
        { path: "/hooks/T000/B000/secret-token", body: { text: eventText(EVENT) } },
      ]);
      assert.match(eventText(EVENT), /Failover 2 COMPLETED: westeurope -> northeurope \(phase authority: failover\)/);
      assert.match(eventText(EVENT), /Control numbers: 4 sessions bumped/);

      assert.strictEqual(ai.received.length, 1);
      assert.strictEqual(ai.received[0]!.path, "/v2/track");
      const [envelope] = ai.received[0]!.body as {
        iKey: string;
        time: string;
        data: { baseType: string; baseData: { name: string; properties: Record<string, string> } };
      }[];
      assert.strictEqual(envelope!.iKey, "11111111-2222-3333-4444-555555555555");
      assert.strictEqual(envelope!.time, "2026-11-29T10:00:00.000Z");
      assert.strictEqual(envelope!.data.baseType, "EventData");
      assert.strictEqual(envelope!.data.baseData.name, SWITCH_EVENT);
      assert.deepStrictEqual(
        [
          envelope!.data.baseData.properties.stage,
          envelope!.data.baseData.properties.epoch,
          envelope!.data.baseData.properties.to,
        ],
        ["completed", "2", "northeurope"],
      );
    } finally {
      await chat.close();
      await ai.close();
    }
  });

  it("a failing or hanging receiver gives a warning without the secret URL, and the others still get it", async () => {
    const chat = await receiver(500);
    const ai = await receiver("hang");
    try {
      const notifier = notifierFromEnv(
        {
          [WEBHOOK_ENV]: `${chat.url}/hooks/secret-token`,
          [APPINSIGHTS_ENV]: `InstrumentationKey=k;IngestionEndpoint=${ai.url}`,
        },
        { timeoutMs: 300 },
      );
      const warnings = await notifier.notify({ ...EVENT, stage: "failed", errors: ["HTTP 503 on x"] });
      assert.strictEqual(warnings.length, 2);
      assert.match(warnings[0]!, /chat webhook .*HTTP 500 \(the switch goes on\)/);
      assert.match(warnings[1]!, /timed out/);
      assert.ok(warnings.every((w) => !w.includes("secret-token") && !w.includes(chat.url)));
      assert.match(
        JSON.stringify(chat.received[0]!.body),
        /FAILED.*Errors: HTTP 503 on x.*Rerun `npm run dr -- failover`/s,
      );
    } finally {
      await chat.close();
      await ai.close();
    }
  });

  it("refuses bad settings up front, never echoing the secret, and notifies no one when nothing is set", () => {
    assert.throws(
      () => notifierFromEnv({ [WEBHOOK_ENV]: "not a url secret-token" }),
      (e: Error) => /is not a URL \(value not shown/.test(e.message) && !e.message.includes("secret-token"),
    );
    assert.throws(() => notifierFromEnv({ [WEBHOOK_ENV]: "http://chat.example/hook" }), /must be an https URL/);
    assert.throws(() => parseConnectionString("InstrumentationKey=abc"), /Fix: copy it from the secondary/);
    assert.deepStrictEqual(notifierFromEnv({}).receivers, []);
  });
});
