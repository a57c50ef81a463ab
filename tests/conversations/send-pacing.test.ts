import { describe, expect, test } from "bun:test";
import { SendPacer } from "../../core/conversations/send-pacer.ts";

/** The outbox's pacing rules, on a clock that moves only when the test says so. */
describe("send pacing", () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => void (t += ms) };
  };

  test("sendsPerSecond spaces sends on one channel; other channels are independent", async () => {
    const c = clock();
    const pacer = new SendPacer(c.now);
    const manifest = { sendsPerSecond: 4 };
    await pacer.wait(1, "a", manifest);
    expect(pacer.delay(1, "b", manifest)).toBe(250);
    expect(pacer.delay(2, "b", manifest)).toBe(0);
    c.advance(100);
    expect(pacer.delay(1, "b", manifest)).toBe(150);
    c.advance(150);
    expect(pacer.delay(1, "b", manifest)).toBe(0);
  });

  test("the default is 20 per second when a plugin says nothing", async () => {
    const pacer = new SendPacer(clock().now);
    await pacer.wait(1, "a", {});
    expect(pacer.delay(1, "b", {})).toBe(50);
  });

  test("recipientGapMs spaces sends to the same customer only", async () => {
    const c = clock();
    const pacer = new SendPacer(c.now);
    const manifest = { sendsPerSecond: 1000, recipientGapMs: 600 };
    await pacer.wait(1, "cliente", manifest);
    c.advance(10);
    expect(pacer.delay(1, "cliente", manifest)).toBe(590);
    expect(pacer.delay(1, "otro", manifest)).toBe(0);
  });

  test("a provider's pause (rate limit) holds the whole channel until it ends", async () => {
    const c = clock();
    const pacer = new SendPacer(c.now);
    const manifest = { sendsPerSecond: 1000 };
    pacer.pause(1, 2_000);
    expect(pacer.delay(1, "x", manifest)).toBe(2_000);
    expect(pacer.delay(1, "y", manifest)).toBe(2_000);
    expect(pacer.delay(2, "x", manifest)).toBe(0);
    c.advance(2_000);
    expect(pacer.delay(1, "x", manifest)).toBe(0);
  });

  test("wait() really waits for the gap", async () => {
    const pacer = new SendPacer();
    const manifest = { sendsPerSecond: 20 };
    await pacer.wait(1, "a", manifest);
    const t = Date.now();
    await pacer.wait(1, "a", manifest);
    expect(Date.now() - t).toBeGreaterThanOrEqual(45);
  });
});
