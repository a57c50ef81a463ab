/** Messenger plugin: mark read, the connection test and media download. */
import { describe, expect, test } from "bun:test";
import { graphUrl, messengerRequests, meta, OTHER_PAGE, PAGE, PAGE_TOKEN, PSID, setup, useMetaGraphFake } from "./setup.ts";

useMetaGraphFake();

describe("messenger plugin: mark read, test connection, media", () => {
  test("markRead sends mark_seen", async () => {
    const s = await setup();
    await s.instance.markRead!(PSID, "m_last");
    expect(meta.sent(PAGE, { actions: true })).toEqual([{ recipient: { id: PSID }, sender_action: "mark_seen" }]);
    // A failure is logged, never thrown.
    meta.failNext(10);
    await s.instance.markRead!(PSID, "m_last");
    expect(s.logs.some((l) => l.level === "warn" && l.msg.includes("mark_seen"))).toBe(true);
  });

  test("testConnection names the page, or says what is wrong", async () => {
    const s = await setup();
    expect(await s.instance.testConnection!()).toEqual({ ok: true, detail: "Panadería Lola" });
    expect(messengerRequests("/me")[0]!.query).toEqual({ fields: "id,name", access_token: PAGE_TOKEN });

    const expired = await setup({ pageAccessToken: "EAAG-revoked" });
    const res = await expired.instance.testConnection!();
    expect(res.ok).toBe(false);
    expect(res.detail).toContain("190");
    expect(expired.health).toEqual([{ status: "needs_attention", reason: expect.any(String) }]);

    const otherPage = await setup({ pageId: OTHER_PAGE });
    expect(await otherPage.instance.testConnection!()).toEqual({ ok: false, detail: expect.stringContaining(`not to page ${OTHER_PAGE}`) });
  });

  test("fetchMedia downloads the attachment URL with its content type", async () => {
    const s = await setup();
    const blob = await s.instance.fetchMedia!({ id: `${graphUrl}/profile-pic/${PSID}.png` });
    expect(blob.type).toBe("image/png");
    const bytes = new Uint8Array(await blob.arrayBuffer());
    expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await expect(s.instance.fetchMedia!({ id: `${graphUrl}/nothing-here` })).rejects.toThrow("HTTP 400");
    await expect(s.instance.fetchMedia!({ id: "file:///etc/passwd" })).rejects.toThrow("not an http(s) URL");
  });
});
