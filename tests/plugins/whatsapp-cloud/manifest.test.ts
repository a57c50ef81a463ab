/** WhatsApp Cloud plugin: manifest, config schema, routing and trust keys, Graph URL overrides. */
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import whatsappCloud from "../../../plugins/whatsapp-cloud/index.ts";
import { APP_SECRET, config, graphUrl, meta, OTHER_PNID, PNID, setup, useMetaGraphFake, V, WABA } from "./setup.ts";

useMetaGraphFake();

// ------------------------------------------------------------------ manifest, schema, routing

describe("manifest and settings", () => {
  test("manifest declares the Cloud API's limits and capabilities", () => {
    expect(whatsappCloud.manifest).toEqual({
      id: "whatsapp-cloud",
      name: "WhatsApp Cloud API",
      version: "1.0.0",
      apiVersion: 1,
      capabilities: ["text", "media", "location", "contacts", "interactive", "reactions", "templates", "read_receipts", "delivery_status"],
      messagingWindowHours: 24,
      sendsPerSecond: 80,
      maxTextLength: 4096,
      recipientGapMs: 600,
      idempotency: "callback",
      description: whatsappCloud.manifest.description!,
    });
    expect(whatsappCloud.manifest.description!.es).toContain("WhatsApp");
    expect(whatsappCloud.manifest.description!.en).toContain("WhatsApp");
  });

  test("config schema: required ids and secrets, generated verify token, optional Graph overrides", () => {
    const s = whatsappCloud.configSchema;
    const p = s.properties!;
    expect(s.required).toEqual(["phoneNumberId", "wabaId", "accessToken", "appSecret"]);
    expect(Object.keys(p)).toEqual(["phoneNumberId", "wabaId", "accessToken", "appSecret", "verifyToken", "graphUrl", "graphVersion"]);
    expect(p.accessToken!.secret).toBe(true);
    expect(p.appSecret!.secret).toBe(true);
    expect(p.phoneNumberId!.secret).toBeUndefined();
    expect(p.verifyToken!.generate).toBe("token");
    const re = (k: string) => new RegExp(p[k]!.pattern as string);
    expect(re("phoneNumberId").test(PNID)).toBe(true);
    expect(re("phoneNumberId").test("+1 555 0783881")).toBe(false);
    expect(re("wabaId").test(WABA)).toBe(true);
    expect(re("graphVersion").test("v24.0")).toBe(true);
    expect(re("graphVersion").test("24.0")).toBe(false);
    expect(re("graphUrl").test("https://graph.facebook.com")).toBe(true);
    expect(re("graphUrl").test("ftp://graph.facebook.com")).toBe(false);
    for (const f of Object.values(p)) expect(typeof f.title).toBe("string");
    expect(p.accessToken!.title).toBe("Token de acceso");
  });

  test("routingKey is the phone_number_id; trustKey is the SHA-256 of the app secret", () => {
    expect(whatsappCloud.routingKey!(config())).toBe(PNID);
    const expected = createHash("sha256").update(APP_SECRET).digest("hex");
    expect(whatsappCloud.trustKey!(config())).toBe(expected);
    expect(whatsappCloud.trustKey!(config({ phoneNumberId: OTHER_PNID }))).toBe(expected);
    expect(whatsappCloud.trustKey!(config({ appSecret: "another-app" }))).not.toBe(expected);
    expect(whatsappCloud.trustKey!(config())).not.toContain(APP_SECRET);
  });

  test("per-channel graphUrl and graphVersion override the platform defaults", async () => {
    // The platform points nowhere: only the channel's own settings can reach the fake.
    const { instance } = await setup({ graphUrl: `${graphUrl}/`, graphVersion: "v23.0" }, { platformUrl: "http://127.0.0.1:9" });
    expect(await instance.testConnection!()).toEqual({ ok: true, detail: "Tienda Demo (+1 555-078-3881)" });
    expect(meta.requests.map((r) => r.path)).toEqual([`/v23.0/${PNID}`]);
  });

  test("without overrides the platform's Graph URL and version are used", async () => {
    const { instance } = await setup();
    await instance.testConnection!();
    expect(meta.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /${V}/${PNID}`]);
  });
});
