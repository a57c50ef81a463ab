/** The Meta Graph fake's Messenger Platform API: sends and sender actions, profiles and /me. */
import { describe, expect, test } from "bun:test";
import type { MetaErrorBody } from "./meta-graph.ts";
import { base, meta, PAGE, PAGE_TOKEN, useMetaGraphFake, V } from "../helpers/meta-graph-fixture.ts";

useMetaGraphFake();

type ErrBody = MetaErrorBody;

describe("Messenger", () => {
  const send = (body: unknown, auth: "query" | "bearer" = "query", token = PAGE_TOKEN) =>
    fetch(`${base}/${V}/me/messages${auth === "query" ? `?access_token=${token}` : ""}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(auth === "bearer" ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });

  test("send, sender actions, validation and bad token", async () => {
    const ok = (await (await send({ recipient: { id: "PSID1" }, messaging_type: "RESPONSE", message: { text: "hola" } })).json()) as { recipient_id: string; message_id: string };
    expect(ok.recipient_id).toBe("PSID1");
    expect(ok.message_id).toMatch(/^m_/);
    const att = await send(
      { recipient: { id: "PSID1" }, messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT", message: { attachment: { type: "image", payload: { url: "https://x/y.png", is_reusable: true } } } },
      "bearer",
    );
    expect(att.status).toBe(200);
    expect(await (await send({ recipient: { id: "PSID1" }, sender_action: "typing_on" })).json()).toEqual({ recipient_id: "PSID1" });

    const noTag = await send({ recipient: { id: "PSID1" }, messaging_type: "MESSAGE_TAG", message: { text: "x" } });
    expect(noTag.status).toBe(400);
    expect(((await noTag.json()) as ErrBody).error.code).toBe(100);
    const bad = await send({ recipient: { id: "PSID1" }, messaging_type: "RESPONSE", message: { text: "x" } }, "query", "nope");
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as ErrBody).error.code).toBe(190);

    expect(meta.sent(PAGE).length).toBe(2);
    expect(meta.sent(PAGE, { actions: true }).length).toBe(3);
    expect(meta.requests.filter((r) => r.route === "/me/messages").every((r) => r.target === PAGE || r.query.access_token === "nope")).toBe(true);
  });

  test("profile and /me", async () => {
    meta.addProfile("PSID1", { firstName: "Fulanito", lastName: "De Tal" });
    const p = (await (await fetch(`${base}/${V}/PSID1?fields=first_name,last_name,profile_pic&access_token=${PAGE_TOKEN}`)).json()) as Record<string, string>;
    expect(p).toMatchObject({ first_name: "Fulanito", last_name: "De Tal", id: "PSID1" });
    expect((await fetch(p.profile_pic!)).headers.get("content-type")).toBe("image/png");
    const unknown = await fetch(`${base}/${V}/PSID9?fields=first_name&access_token=${PAGE_TOKEN}`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as ErrBody).error.code).toBe(100);
    expect(await (await fetch(`${base}/${V}/me?access_token=${PAGE_TOKEN}`)).json()).toEqual({ name: "Tienda Demo", id: PAGE });
  });
});
