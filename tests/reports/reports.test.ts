import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { api } from "../helpers/client.ts";
import type { Client } from "../helpers/client.ts";
import { createTestApp, TestClock, type TestApp } from "../helpers/test-app.ts";

type Point = { start: string; received: number; sent: number; opened: number; closed: number };

/**
 * A known history, written through the real app at chosen instants, read back
 * from the reports and compared with figures worked out by hand. The company is
 * in Bogotá (UTC−5): 04:30Z on 30 November is 23:30 on the 29th there.
 */
describe("reports from a known history", () => {
  const clock = new TestClock(Date.UTC(2026, 10, 30, 4, 30));
  let app: TestApp;
  let token: string;
  let channel: number;
  let ana: Client;
  let anaId: number;
  const at = (iso: string) => (clock.t = Date.parse(iso));
  const conversationOf = (externalId: string) => app.db.query<{ id: number }, [string]>("SELECT conversation_id AS id FROM messages WHERE external_id = ?").get(externalId)!.id;
  const write = async (id: string, from: string, text: string) => expect((await app.webhook(channel, { messages: [{ id, from, text }] })).status).toBe(200);
  const get = async <R,>(path: string) => {
    const res = await api(app.app, "GET", path, token);
    expect(res.status).toBe(200);
    return (await res.json()) as R;
  };
  const answer = async (conversation: number, text: string) => expect((await ana.post(`/inbox/${conversation}/messages`, { text })).status).toBeLessThan(400);

  beforeAll(async () => {
    app = await createTestApp({ clock });
    token = app.makeToken(app.companyId);
    const ventas = app.makeQueue(app.companyId, "ventas", "manual");
    anaId = await app.makeUser(app.companyId, "ana", "agent", [ventas]);
    channel = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", ventas);
    ana = app.client();
    await ana.login("ana", "password-123");

    // A: writes at 23:30 on the 29th (Bogotá), again at 00:10; Ana answers at 00:20, finalizes at 01:20.
    await write("a1", "573001", "hola");
    at("2026-11-30T05:10:00Z");
    await write("a2", "573001", "¿hay alguien?");
    const a = conversationOf("a1");
    at("2026-11-30T05:20:00Z");
    expect((await ana.post(`/inbox/${a}/take`, {})).status).toBeLessThan(400);
    await answer(a, "Buenas noches");
    at("2026-11-30T06:20:00Z");
    expect((await ana.post(`/inbox/${a}/close`, { note: "" })).status).toBeLessThan(400);
    // B: 09:00, answered at 09:02, writes again 09:30, answered 09:31, finalized 10:00.
    at("2026-11-30T14:00:00Z");
    await write("b1", "573002", "precio");
    const b = conversationOf("b1");
    at("2026-11-30T14:02:00Z");
    expect((await ana.post(`/inbox/${b}/take`, {})).status).toBeLessThan(400);
    await answer(b, "Con gusto");
    at("2026-11-30T14:30:00Z");
    await write("b2", "573002", "gracias");
    at("2026-11-30T14:31:00Z");
    await answer(b, "A usted");
    at("2026-11-30T15:00:00Z");
    expect((await ana.post(`/inbox/${b}/close`, { note: "" })).status).toBeLessThan(400);
    // D: 13:20 in Bogotá, which is already 00:05 of 1 December in Kathmandu (UTC+05:45).
    at("2026-11-30T18:20:00Z");
    await write("d1", "573004", "¿abren mañana?");
    // C: 23:59 on the 30th, still waiting.
    at("2026-12-01T04:59:00Z");
    await write("c1", "573003", "una pregunta");
    at("2026-12-01T05:30:00Z");
    // Sessions follow the clock: a day later Ana signs in again.
    await ana.login("ana", "password-123");
  });
  afterAll(() => app.shutdown());

  test("by day, in the company's time zone: 23:30 belongs to the 29th", async () => {
    const r = await get<{ timeZone: string; bucket: string; data: Point[] }>("/api/v1/reports/activity?from=2026-11-29&to=2026-11-30");
    expect(r.timeZone).toBe("America/Bogota");
    expect(r.bucket).toBe("day");
    expect(r.data).toEqual([
      { start: "2026-11-29T00:00:00-05:00", received: 1, sent: 0, opened: 1, closed: 0 },
      { start: "2026-11-30T00:00:00-05:00", received: 5, sent: 3, opened: 3, closed: 2 },
    ]);
  });

  test("by hour: the 24 hours of one day, each event in its local hour", async () => {
    const r = await get<{ data: Point[] }>("/api/v1/reports/activity?from=2026-11-30&to=2026-11-30&bucket=hour");
    expect(r.data).toHaveLength(24);
    expect(r.data[0]!.start).toBe("2026-11-30T00:00:00-05:00");
    const busy = Object.fromEntries(r.data.map((p, h) => [h, [p.received, p.sent, p.opened, p.closed]]).filter(([, v]) => (v as number[]).some((n) => n > 0)));
    expect(busy).toEqual({ 0: [1, 1, 0, 0], 1: [0, 0, 0, 1], 9: [2, 2, 1, 0], 10: [0, 0, 0, 1], 13: [1, 0, 1, 0], 23: [1, 0, 1, 0] });
  });

  test("Hoy is today by hour; a +05:45 zone splits days at quarter hours exactly", async () => {
    clock.t = Date.parse("2026-11-30T20:00:00Z");
    const today = await get<{ from: string; to: string; bucket: string; data: Point[] }>("/api/v1/reports/activity?preset=today");
    expect([today.from, today.to, today.bucket, today.data.length]).toEqual(["2026-11-30", "2026-11-30", "hour", 24]);
    app.db.query("UPDATE companies SET time_zone = 'Asia/Kathmandu' WHERE id = ?").run(app.companyId);
    try {
      const r = await get<{ data: Point[] }>("/api/v1/reports/activity?from=2026-11-30&to=2026-12-01");
      expect(r.data).toEqual([
        { start: "2026-11-30T00:00:00+05:45", received: 4, sent: 3, opened: 2, closed: 2 },
        { start: "2026-12-01T00:00:00+05:45", received: 2, sent: 0, opened: 2, closed: 0 },
      ]);
    } finally {
      app.db.query("UPDATE companies SET time_zone = 'America/Bogota' WHERE id = ?").run(app.companyId);
      clock.t = Date.parse("2026-12-01T05:30:00Z");
    }
  });

  test("first response and resolution: median and p90 overall, per queue and per agent", async () => {
    const r = await get<{ firstResponse: unknown; resolution: unknown; byQueue: { name: string }[]; byAgent: { userId: number; name: string }[] }>("/api/v1/reports/times?from=2026-11-30&to=2026-11-30");
    // A: 50 min to answer, 110 min to finalize; B: 2 min and 60 min.
    // p90 interpolated between the two (as PERCENTILE.INC): 120 + 0.9 × 2880 and 3600 + 0.9 × 3000.
    const first = { count: 2, median: 1560, p90: 2712 };
    const resolution = { count: 2, median: 5100, p90: 6300 };
    expect(r.firstResponse).toEqual(first);
    expect(r.resolution).toEqual(resolution);
    expect(r.byQueue).toEqual([{ queueId: expect.any(Number), name: "ventas", firstResponse: first, resolution } as never]);
    expect(r.byAgent).toEqual([{ userId: anaId, name: "Name ana", firstResponse: first, resolution } as never]);
  });

  test("conversations per channel; unanswered with the oldest; it falls when someone answers", async () => {
    const channels = await get<{ data: { channelId: number; opened: number; received: number; sent: number }[] }>("/api/v1/reports/channels?from=2026-11-29&to=2026-11-30");
    expect(channels.data).toEqual([{ channelId: channel, name: "relay 1", plugin: "http-relay", opened: 4, received: 6, sent: 3 } as never]);
    expect(await get("/api/v1/reports/unanswered")).toEqual({ count: 2, oldestSince: "2026-11-30T18:20:00.000Z" });
    const d = conversationOf("d1");
    expect((await ana.post(`/inbox/${d}/take`, {})).status).toBeLessThan(400);
    await answer(d, "Sí, desde las 8");
    expect(await get("/api/v1/reports/unanswered")).toEqual({ count: 1, oldestSince: "2026-12-01T04:59:00.000Z" });
  });

  test("operators: connected or not, with their open conversations", async () => {
    expect((await ana.post("/inbox/presence", { online: "1" })).status).toBeLessThan(400);
    const r = await get<{ data: { username: string; online: boolean; openConversations: number }[] }>("/api/v1/reports/agents");
    expect(r.data.find((a) => a.username === "ana")).toMatchObject({ online: true, openConversations: 1 });
  });

  test("the dashboard is the first page for admins and supervisors, with the same figures; agents get the inbox and no reports; bad ranges are refused", async () => {
    await app.makeUser(app.companyId, "sara", "supervisor");
    const sara = app.client();
    await sara.login("sara", "password-123");
    const page = await sara.html("/?preset=custom&from=2026-11-29&to=2026-11-30");
    expect(page).toContain("Estado de operadores conectados");
    expect(page).toContain('<strong data-total="received">6</strong>');
    expect(page).toMatch(/<svg role="img" aria-label="[^"]+" class="chart"/);
    expect(page).not.toMatch(/<svg[^>]*>[\s\S]*?style=/);
    const csv = await (await sara.get("/dashboard/export/activity.csv?preset=custom&from=2026-11-29&to=2026-11-30")).text();
    expect(csv).toBe("start,received,sent,opened,closed\r\n2026-11-29T00:00:00-05:00,1,0,1,0\r\n2026-11-30T00:00:00-05:00,5,3,3,2\r\n");
    const bad = await sara.get("/?preset=custom&from=2026-12-05&to=2026-11-01");
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("La fecha Hasta debe ser igual o posterior a Desde.");
    expect((await api(app.app, "GET", "/api/v1/reports/activity?from=2025-01-01&to=2026-11-30", token)).status).toBe(422);
    expect((await ana.get("/")).headers.get("location")).toBe("/inbox");
    expect((await ana.get("/dashboard/live")).status).toBe(403);
    expect((await ana.get("/dashboard/export/activity.csv")).status).toBe(403);
  });

  test("the operator sees every company with its balance and the platform's totals", async () => {
    const op = await app.operator();
    app.makeCompany("otra");
    // With a company selected the operator sees that company's dashboard, and a link to all of them.
    expect(await op.html("/")).toContain('href="/?all=1"');
    const page = await op.html("/?all=1&preset=custom&from=2026-11-29&to=2026-11-30");
    expect(page).toContain('id="companies-table"');
    expect(page).toMatch(/<td><span>Mi Empresa<\/span><\/td><td><span[^>]*>\$0<\/span><\/td><td><span>6<\/span><\/td><td><span>3<\/span><\/td><td><span>4<\/span><\/td><td><span>1<\/span><\/td>/);
    const csv = await (await op.get("/dashboard/export/companies.csv?all=1&preset=custom&from=2026-11-29&to=2026-11-30")).text();
    expect(csv.split("\r\n")[0]).toBe("company,currency,balance,received,sent,opened,closed,unanswered,online");
    expect(page).toContain("Company otra");
    expect(page).toContain("Total de la plataforma");
  });
});
