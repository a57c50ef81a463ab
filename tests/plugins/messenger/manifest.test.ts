/** Messenger plugin: manifest, Spanish config schema, routing and trust keys, Graph URL overrides. */
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import messenger from "../../../plugins/messenger/index.ts";
import { APP_SECRET, graphUrl, HOUR, meta, OLD_SECRET, out, PAGE, PAGE_TOKEN, setup, START, useMetaGraphFake } from "./setup.ts";

useMetaGraphFake();

describe("messenger plugin: manifest and config", () => {
  test("manifest, Spanish config schema, routing and trust keys", () => {
    expect(messenger.manifest).toEqual({
      id: "messenger",
      name: "Facebook Messenger",
      version: "1.0.0",
      apiVersion: 1,
      capabilities: ["text", "media", "interactive", "read_receipts", "delivery_status"],
      messagingWindowHours: 24,
      humanAgentWindowHours: 168,
      sendsPerSecond: 40,
      maxTextLength: 2000,
      idempotency: "callback",
      description: { es: expect.stringContaining("Messenger"), en: expect.stringContaining("Messenger") },
    });
    const props = messenger.configSchema.properties!;
    expect(Object.keys(props)).toEqual(["pageId", "pageAccessToken", "appSecret", "verifyToken", "graphUrl", "graphVersion"]);
    expect(messenger.configSchema.required).toEqual(["pageId", "pageAccessToken", "appSecret"]);
    expect(props.pageAccessToken!.secret).toBe(true);
    expect(props.appSecret!.secret).toBe(true);
    expect(props.verifyToken!.generate).toBe("token");
    expect(props.pageId!.title).toBe("Identificador de la página de Facebook (Page ID)");
    expect(new RegExp(props.pageId!.pattern as string).test("104729375212345")).toBe(true);
    expect(new RegExp(props.pageId!.pattern as string).test("lola-bakery")).toBe(false);
    expect(new RegExp(props.graphVersion!.pattern as string).test("v24.0")).toBe(true);
    expect(new RegExp(props.graphVersion!.pattern as string).test("24.0")).toBe(false);
    expect(new RegExp(props.graphUrl!.pattern as string).test("http://127.0.0.1:9999")).toBe(true);
    expect(new RegExp(props.graphUrl!.pattern as string).test("graph.facebook.com")).toBe(false);

    const config = { pageId: PAGE, pageAccessToken: PAGE_TOKEN, appSecret: APP_SECRET };
    expect(messenger.routingKey!(config)).toBe(PAGE);
    expect(messenger.trustKey!(config)).toBe(createHash("sha256").update(APP_SECRET).digest("hex"));
    expect(messenger.trustKey!({ ...config, appSecret: OLD_SECRET })).not.toBe(messenger.trustKey!(config));
  });

  test("per-channel graphUrl and graphVersion override the platform's", async () => {
    // The platform default points at a closed port: only the override can reach the fake.
    const s = await setup({ graphUrl: `${graphUrl}/`, graphVersion: "v23.0" }, { metaGraphUrl: "http://127.0.0.1:9", metaGraphVersion: "v24.0" });
    const res = await s.instance.send(out({ kind: "text", text: "Hola" }, START - HOUR));
    expect(res.ok).toBe(true);
    expect(meta.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v23.0/me/messages"]);
  });
});
