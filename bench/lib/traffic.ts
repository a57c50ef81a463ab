/**
 * Load for bench/capacity.ts and bench/soak.ts: a day's profile of customer
 * messages (hourly curve plus bursts at 10x the day's average), customers who
 * write a few messages each (some already contacts), signed WhatsApp webhooks
 * timed from just before the request to its answer, Meta's status webhooks for
 * every accepted send (sent / delivered / read, with pricing: a third billable),
 * and latency probes read off a watcher's stream.
 */
import { hubSignature256, metaJson, wa, type SentRecord } from "../../tests/fakes/meta-graph.ts";
import type { Agent } from "./agents.ts";
import { mulberry32 } from "./operator-seed.ts";
import type { Channel, Company, Operator } from "./operator.ts";

/** What posting a WhatsApp webhook needs to know about a channel. */
export type WaChannel = Pick<Channel, "wabaId" | "phoneNumberId" | "displayPhoneNumber" | "appSecret" | "webhookUrl">;

/** Customer messages by hour of day, relative (a shop in Latin America: quiet nights, busy late mornings and afternoons). */
const HOURLY = [0.15, 0.08, 0.05, 0.04, 0.04, 0.08, 0.25, 0.6, 1.1, 1.5, 1.7, 1.7, 1.4, 1.3, 1.5, 1.6, 1.5, 1.3, 1.1, 1.0, 0.9, 0.7, 0.45, 0.25];

export interface Burst {
  /** Start, in hours of the day. */
  at: number;
  hours: number;
}

/** Two campaign answer storms: 15 minutes each at 10:30 and 19:00. */
export const BURSTS: Burst[] = [
  { at: 10.5, hours: 0.25 },
  { at: 19, hours: 0.25 },
];

/**
 * The day's rate as a multiple of its average (mean exactly 1 over the day):
 * bursts at `peak` times the average, the hourly curve scaled to carry the rest.
 */
export function dayProfile(peak = 10, bursts = BURSTS): { at(hour: number): number; inBurst(hour: number): boolean } {
  const inBurst = (h: number) => bursts.some((b) => h >= b.at && h < b.at + b.hours);
  const curve = (h: number) => HOURLY[Math.floor(h) % 24]!;
  const burstVolume = bursts.reduce((s, b) => s + (peak * b.hours) / 24, 0);
  let rest = 0;
  const STEPS = 24 * 60;
  for (let i = 0; i < STEPS; i++) if (!inBurst((i * 24) / STEPS)) rest += curve((i * 24) / STEPS) / STEPS;
  const k = (1 - burstVolume) / rest;
  return { at: (h) => (inBurst(h) ? peak : k * curve(h)), inBurst };
}

/** Latency samples in ms, by key ("day:burst/message", "ramp 50/status", ...). */
export class Latencies {
  private readonly m = new Map<string, number[]>();
  add(key: string, ms: number): void {
    let xs = this.m.get(key);
    if (!xs) this.m.set(key, (xs = []));
    xs.push(ms);
  }
  get(key: string): number[] {
    return this.m.get(key) ?? [];
  }
  /** Every sample whose key matches. */
  where(match: (key: string) => boolean): number[] {
    return [...this.m].filter(([k]) => match(k)).flatMap(([, v]) => v);
  }
  clear(): void {
    this.m.clear();
  }
}

/** Posts signed webhooks as Meta does and times each answer. */
export class Webhooks {
  inFlight = 0;
  posted = 0;
  acked = 0;
  failed = 0;
  lastError = "";
  /** Which latency key new requests are filed under (the phase). */
  phase = "setup";

  constructor(readonly latencies: Latencies) {}

  async post(ch: WaChannel, payload: unknown, kind: "message" | "status" | "probe"): Promise<boolean> {
    const body = metaJson(payload);
    const key = `${this.phase}/${kind}`;
    this.inFlight++;
    this.posted++;
    const t0 = performance.now();
    try {
      const res = await fetch(ch.webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "facebookexternalua", "x-hub-signature-256": hubSignature256(ch.appSecret, body) },
        body,
      });
      await res.arrayBuffer();
      this.latencies.add(key, performance.now() - t0);
      if (res.status !== 200) {
        this.failed++;
        this.lastError = `webhook ${res.status}`;
        return false;
      }
      this.acked++;
      return true;
    } catch (e) {
      this.failed++;
      this.lastError = e instanceof Error ? e.message : String(e);
      return false;
    } finally {
      this.inFlight--;
    }
  }
}

const WORDS = ("hola buenos días quiero saber el precio del envío cuando llega mi pedido tienen disponible talla color por favor necesito ayuda " +
  "con la factura el pago con tarjeta transferencia dirección cambio devolución garantía producto horario mañana número de seguimiento descuento").split(" ");

interface Session {
  phone: string;
  name: string;
  left: number;
}

/** Customers of every company: who writes next, in which channel, what. */
export class Customers {
  private readonly rnd: () => number;
  private readonly cumulative: number[] = [];
  private readonly sessions = new Map<Company, Session[]>();
  private fresh = 0;
  messages = 0;

  constructor(private readonly op: Operator, seed = 11) {
    this.rnd = mulberry32(seed);
    let sum = 0;
    // Bigger companies (more agents) get proportionally more customers.
    for (const c of op.companies) this.cumulative.push((sum += c.seeded.agents.length));
  }

  private company(): Company {
    const x = this.rnd() * this.cumulative.at(-1)!;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.op.companies[lo]!;
  }

  private text(): string {
    const n = 3 + Math.floor(this.rnd() * 8);
    return Array.from({ length: n }, () => WORDS[Math.floor(this.rnd() * WORDS.length)]).join(" ");
  }

  /** The next customer message: a customer already writing (65 %), else a new one (a known contact a third of the time). */
  next(): { ch: Channel; payload: unknown } {
    const c = this.company();
    let list = this.sessions.get(c);
    if (!list) this.sessions.set(c, (list = []));
    let s: Session;
    if (list.length && this.rnd() < 0.65) {
      const i = Math.floor(this.rnd() * list.length);
      s = list[i]!;
      if (--s.left <= 0) list.splice(i, 1);
    } else {
      const known = this.rnd() < 0.33 && c.contactPhones.length > 0;
      const phone = known ? c.contactPhones[Math.floor(this.rnd() * c.contactPhones.length)]! : `573${String(200_000_000 + ((this.fresh++ * 7919 + Math.floor(this.rnd() * 7919)) % 700_000_000))}`;
      s = { phone, name: `Cliente ${phone.slice(-4)}`, left: Math.floor(this.rnd() * 5) };
      if (s.left > 0 && list.length < 50) list.push(s);
    }
    // Most customers write on the company's first number.
    const ch = c.channels[c.channels.length > 1 && this.rnd() < 0.3 ? 1 : 0]!;
    this.messages++;
    return { ch, payload: wa.text({ wabaId: ch.wabaId, phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, from: s.phone, name: s.name }, this.text()) };
  }
}

/**
 * Meta's answer to each accepted send: "sent" 30-80 ms later, "delivered" 0.1-0.3 s
 * after that, "read" within a few seconds for 70 %; every status carries the
 * message's pricing and our biz_opaque_callback_data. A third are billable
 * (utility, "regular"), the rest free customer-service messages.
 */
export function statusesFor(hooks: Webhooks, counters: { sends: number; billable: number }): (record: SentRecord, ch: WaChannel) => void {
  return (record, ch) => {
    counters.sends++;
    const billable = Math.random() < 1 / 3;
    if (billable) counters.billable++;
    const pricing = billable ? { billable: true, type: "regular" as const, category: "utility" } : { billable: false, type: "free_customer_service" as const, category: "service" };
    const key = typeof record.body.biz_opaque_callback_data === "string" ? record.body.biz_opaque_callback_data : undefined;
    const ctx = { wabaId: ch.wabaId, phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, from: String(record.body.to ?? "") };
    const send = (status: "sent" | "delivered" | "read") => hooks.post(ch, wa.status(ctx, record.id!, status, { pricing, bizOpaqueCallbackData: key }), "status");
    void (async () => {
      await Bun.sleep(30 + Math.random() * 50);
      await send("sent");
      await Bun.sleep(100 + Math.random() * 200);
      await send("delivered");
      if (Math.random() < 0.7) {
        await Bun.sleep(500 + Math.random() * 3000);
        await send("read");
      }
    })();
  };
}

/** Webhook -> live inbox latency: probe texts into a conversation a watcher has open. */
export class Probes {
  private readonly sentAt = new Map<number, { at: number; key: string }>();
  private n = 0;
  lost = 0;
  fired = 0;
  readonly targets: { ch: Channel; phone: string; watcher: Agent; conversationId: number }[] = [];

  constructor(private readonly hooks: Webhooks, private readonly latencies: Latencies) {}

  /** First message from the probe customer, then the conversation it opened, then the watcher's page and stream on it. */
  async add(op: Operator, c: Company, watcher: Agent): Promise<number> {
    const ch = c.channels[0]!;
    const phone = `5739${String(c.seeded.index).padStart(8, "0")}`;
    const ctx = { wabaId: ch.wabaId, phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, from: phone, name: "Sonda" };
    if (!(await this.hooks.post(ch, wa.text(ctx, "hola, soy la sonda"), "probe"))) throw new Error(`probe webhook for ${c.seeded.slug} failed`);
    let id = 0;
    for (let i = 0; i < 100 && !id; i++) {
      const list = await op.api<{ data: { id: number; contact: { phone: string | null } }[] }>(c, "GET", `/conversations?channelId=${ch.id}&limit=50`);
      id = list.data.find((x) => x.contact.phone?.replace(/\D/g, "") === phone)?.id ?? 0;
      if (!id) await Bun.sleep(50);
    }
    if (!id) throw new Error(`probe conversation of ${c.seeded.slug} not found`);
    watcher.onProbe = (probe, at) => {
      const s = this.sentAt.get(probe);
      if (!s) return;
      this.sentAt.delete(probe);
      this.latencies.add(s.key, at - s.at);
    };
    await watcher.navigate(id);
    this.targets.push({ ch, phone, watcher, conversationId: id });
    return id;
  }

  /** One probe message into each target. */
  fire(): void {
    for (const t of this.targets) {
      const n = ++this.n;
      this.fired++;
      this.sentAt.set(n, { at: performance.now(), key: `${this.hooks.phase}/live` });
      const ctx = { wabaId: t.ch.wabaId, phoneNumberId: t.ch.phoneNumberId, displayPhoneNumber: t.ch.displayPhoneNumber, from: t.phone, name: "Sonda" };
      void this.hooks.post(t.ch, wa.text(ctx, `latency probe${n}x`), "probe");
    }
  }

  /** Probes older than `ms` count as lost. */
  expire(ms = 10_000): void {
    const now = performance.now();
    for (const [n, s] of this.sentAt) if (now - s.at > ms) {
      this.sentAt.delete(n);
      this.lost++;
    }
  }
}

/**
 * Open loop: calls `fire()` as often as `rateAt(elapsed ms)` per second says, on
 * the clock (a slow answer never delays the next message), for `durationMs`.
 * When `maxInFlight` requests are already out, the message is counted as skipped.
 */
export async function openLoop(durationMs: number, rateAt: (elapsedMs: number) => number, fire: () => void, inFlight: () => number, maxInFlight = 2000): Promise<{ fired: number; skipped: number }> {
  const t0 = performance.now();
  let last = t0;
  let due = 0;
  let fired = 0;
  let skipped = 0;
  for (let now = t0; now - t0 < durationMs; now = performance.now()) {
    due += (rateAt(now - t0) * (now - last)) / 1000;
    last = now;
    while (fired + skipped < Math.floor(due)) {
      if (inFlight() < maxInFlight) {
        fire();
        fired++;
      } else skipped++;
    }
    await Bun.sleep(2);
  }
  return { fired, skipped };
}

/** How late this process's timers run: the client's own saturation, printed beside the figures. */
export class LoopLag {
  readonly lags: number[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private expected = 0;

  start(everyMs = 20): this {
    this.expected = performance.now() + everyMs;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.lags.push(Math.max(0, now - this.expected));
      this.expected = now + everyMs;
    }, everyMs);
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
