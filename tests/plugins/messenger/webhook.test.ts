/** Messenger plugin: the webhook handshake, signatures over the raw bytes, and delivery/read statuses. */
import { describe, expect, test } from "bun:test";
import { hubSignature256, metaJson, ms } from "../../fakes/meta-graph.ts";
import { APP_SECRET, at, HOUR, meta, OLD_SECRET, out, PAGE, PSID, PSID2, rawEvent, setup, START, useMetaGraphFake, VERIFY } from "./setup.ts";

useMetaGraphFake();

describe("messenger plugin: webhook handshake and signature", () => {
  test("the verify handshake answers the challenge as text/plain only for the right token", async () => {
    const s = await setup();
    const ok = await meta.verifyHandshake(s.webhookUrl, VERIFY, "1158201444");
    expect(ok).toEqual({ status: 200, body: "1158201444", challenge: "1158201444" });
    expect(s.results[0]?.type).toBe("challenge");
    const direct = await fetch(`${s.webhookUrl}?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=abc-123`);
    expect(direct.status).toBe(200);
    expect(direct.headers.get("content-type")).toStartWith("text/plain");
    expect(await direct.text()).toBe("abc-123");

    const wrong = await meta.verifyHandshake(s.webhookUrl, `${VERIFY}x`, "77");
    expect(wrong.status).toBe(403);
    expect(wrong.body).not.toContain("77");
    expect(s.results[2]).toEqual({ type: "rejected", status: 403, reason: expect.any(String) });

    const noMode = await fetch(`${s.webhookUrl}?hub.verify_token=${VERIFY}&hub.challenge=5`);
    expect(noMode.status).toBe(403);
  });

  test("a channel without a verify token never completes a handshake", async () => {
    const s = await setup({ verifyToken: "" });
    expect((await meta.verifyHandshake(s.webhookUrl, "", "5")).status).toBe(403);
  });

  test("the signature is checked over the raw escaped bytes; wrong, missing or stale signatures are 401", async () => {
    const s = await setup();
    const payload = ms.text(at(START, { mid: "m_escaped" }), "¿Tienen pan de muerto? 🍞 / ñ");
    // Meta's bytes: non-ASCII as \uXXXX and "/" as "\/" -- re-serialising would change the hash.
    const bytes = metaJson(payload);
    expect(bytes).toContain("\\u00bfTienen pan de muerto? \\ud83c\\udf5e \\/ \\u00f1");
    expect(bytes).not.toBe(JSON.stringify(payload));

    const good = await s.deliver(payload);
    expect(good.status).toBe(200);
    if (good.result?.type !== "events") throw new Error("expected events");
    expect(good.result.messages[0]!.content).toEqual({ kind: "text", text: "¿Tienen pan de muerto? 🍞 / ñ" });

    const wrong = await s.deliver(payload, { badSignature: true });
    expect(wrong).toEqual({ status: 401, result: { type: "rejected", status: 401, reason: expect.stringContaining("X-Hub-Signature-256") } });

    const missing = await s.deliver(payload, { noSignature: true });
    expect(missing.status).toBe(401);

    // The app secret was rotated in Charla but Meta still signs with the old one.
    const stale = await s.deliver(payload, { appSecret: OLD_SECRET });
    expect(stale.status).toBe(401);

    // A valid signature over a re-serialised (unescaped) body of the same event is a different hash.
    const res = await fetch(s.webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": hubSignature256(APP_SECRET, bytes) },
      body: JSON.stringify(payload),
    });
    expect(res.status).toBe(401);
  });

  test("bad JSON is 400 and other objects are ignored", async () => {
    const s = await setup();
    expect(await s.deliver("{not json")).toEqual({ status: 400, result: { type: "rejected", status: 400, reason: "The body is not valid JSON" } });
    const other = await s.deliver({ object: "instagram", entry: [] });
    expect(other.status).toBe(200);
    expect(other.result).toEqual({ type: "ignored", reason: expect.stringContaining("instagram") });
  });
});

describe("messenger plugin: delivery and read statuses", () => {
  test("deliveries name their mids; a read watermark marks every send to that PSID up to it", async () => {
    const s = await setup();
    const sent: string[] = [];
    for (const [i, text] of ["uno", "dos", "tres"].entries()) {
      s.clock.t = START + i * 60_000;
      const r = await s.instance.send(out({ kind: "text", text }, START - HOUR));
      if (!r.ok) throw new Error(r.reason);
      sent.push(r.externalId);
    }
    expect(sent).toEqual(meta.outbox.map((o) => o.id!));
    expect(JSON.parse(s.store.get(`sent:${PSID}`)!)).toEqual(sent.map((mid, i) => ({ mid, at: START + i * 60_000 })));

    const delivered = await s.events(ms.delivery(at(START + 130_000), [sent[0]!, sent[1]!], START + 125_000));
    expect(delivered.messages).toEqual([]);
    expect(delivered.statuses).toEqual([
      { externalId: sent[0]!, channelKey: PAGE, status: "delivered", timestamp: START + 130_000 },
      { externalId: sent[1]!, channelKey: PAGE, status: "delivered", timestamp: START + 130_000 },
    ]);

    // Read up to just after the second send: the first two, not the third.
    const read = await s.events(ms.read(at(START + 140_000), START + 60_000));
    expect(read.statuses).toEqual([
      { externalId: sent[0]!, channelKey: PAGE, status: "read", timestamp: START + 140_000 },
      { externalId: sent[1]!, channelKey: PAGE, status: "read", timestamp: START + 140_000 },
    ]);
    expect(JSON.parse(s.store.get(`sent:${PSID}`)!)).toEqual([{ mid: sent[2], at: START + 120_000 }]);

    // The same watermark again: nothing left to mark.
    expect((await s.deliver(ms.read(at(START + 150_000), START + 60_000))).result?.type).toBe("ignored");
    const rest = await s.events(ms.read(at(START + 160_000), START + 120_000));
    expect(rest.statuses.map((x) => [x.externalId, x.status])).toEqual([[sent[2]!, "read"]]);
    expect(s.store.has(`sent:${PSID}`)).toBe(false);
  });

  test("the page's messages sent elsewhere (echoes) get read ticks; a delivery without mids uses the watermark", async () => {
    const s = await setup();
    await s.events(ms.echo(at(START), "Desde la app de páginas", "m_echo_read"));
    s.clock.t = START + 1_000;
    const r = await s.instance.send(out({ kind: "text", text: "Y desde Charla" }, START));
    if (!r.ok) throw new Error(r.reason);
    // Meta echoes Charla's own send too: it is not logged twice.
    await s.events(ms.echo(at(START + 1_100), "Y desde Charla", r.externalId));
    expect(JSON.parse(s.store.get(`sent:${PSID}`)!)).toEqual([
      { mid: "m_echo_read", at: START },
      { mid: r.externalId, at: START + 1_000 },
    ]);

    const delivered = await s.events(rawEvent({ delivery: { watermark: START + 500 } }, START + 2_000));
    expect(delivered.statuses).toEqual([{ externalId: "m_echo_read", channelKey: PAGE, status: "delivered", timestamp: START + 2_000 }]);
    const read = await s.events(ms.read(at(START + 3_000), START + 2_000));
    expect(read.statuses.map((x) => [x.externalId, x.status])).toEqual([
      ["m_echo_read", "read"],
      [r.externalId, "read"],
    ]);
  });

  test("only the last 50 sends per customer are kept, and each customer has their own", async () => {
    const s = await setup();
    for (let i = 0; i < 53; i++) {
      s.clock.t = START + i;
      expect((await s.instance.send(out({ kind: "text", text: `n${i}` }, START))).ok).toBe(true);
    }
    await s.instance.send(out({ kind: "text", text: "otro" }, START, { to: PSID2 }));
    const list = JSON.parse(s.store.get(`sent:${PSID}`)!) as { mid: string; at: number }[];
    expect(list).toHaveLength(50);
    expect(list[0]!.at).toBe(START + 3);
    expect(list.map((e) => e.mid)).toEqual(meta.outbox.slice(3, 53).map((o) => o.id!));
    const read = await s.events(ms.read(at(START + 99, { psid: PSID2 }), START + 99));
    expect(read.statuses.map((x) => x.externalId)).toEqual([meta.outbox[53]!.id!]);
  });
});
