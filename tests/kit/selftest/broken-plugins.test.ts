/**
 * The kit is not toothless: each deliberate mistake in the "Acme Chat" fixture
 * (tests/fixtures/kit/acme-chat) fails the check meant for it, while the honest
 * plugin passes the same check. The checks are called directly (runCheck), so
 * this file stays green while proving they bite.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { acmeAdapter } from "../../fixtures/kit/acme-chat/adapter.ts";
import { AcmeFake } from "../../fixtures/kit/acme-chat/fake.ts";
import { acmeChat, type Defect } from "../../fixtures/kit/acme-chat/index.ts";
import { ConformanceError, runCheck, type CheckId } from "../index.ts";

const fake = new AcmeFake();
const adapter = acmeAdapter(fake);
beforeAll(() => fake.start());
afterAll(() => fake.stop());

const CASES: { defect: Defect; check: CheckId; says: RegExp }[] = [
  { defect: "accepts-unsigned", check: "webhook-rejects-unsigned", says: /unsigned delivery was ACCEPTED/ },
  { defect: "presence-only", check: "webhook-rejects-forged", says: /forged delivery \(wrong secret\) was ACCEPTED/ },
  { defect: "presence-only", check: "webhook-rejects-altered", says: /altered after signing was ACCEPTED/ },
  { defect: "throws-on-garbage", check: "malformed-bodies", says: /handleWebhook\(\) threw on .*SyntaxError.*503/s },
  { defect: "seconds-timestamps", check: "inbound-text", says: /looks like seconds/ },
  { defect: "random-ids", check: "inbound-ids-stable", says: /redelivery got other external ids/ },
  { defect: "rate-limit-is-final", check: "send-rate-limited", says: /retryable: false/ },
  { defect: "leaks-token", check: "send-permanent", says: /secret setting's value/ },
  { defect: "bad-manifest", check: "manifest", says: /manifest\.id "Acme_Chat" must be lowercase kebab-case/ },
  { defect: "no-maybe-sent", check: "send-timeout", says: /maybeSent: true/ },
  { defect: "silent-token-problem", check: "send-token-expired", says: /did not call ctx\.reportHealth/ },
];

describe("the conformance kit catches broken plugins", () => {
  for (const { defect, check, says } of CASES) {
    test(`"${defect}" fails [${check}], which the honest plugin passes`, async () => {
      expect(await runCheck(check, acmeChat(), adapter)).toBe("passed");
      const error = await runCheck(check, acmeChat([defect]), adapter).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConformanceError);
      expect((error as Error).message).toMatch(says);
    });
  }

  test("an unsigned delivery accepted is caught by name, not by a crash of the kit", async () => {
    const error = (await runCheck("webhook-rejects-unsigned", acmeChat(["accepts-unsigned"]), adapter).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe("an unsigned delivery was ACCEPTED (1 messages, 0 statuses): anybody could post messages into this channel");
  });

  test("a check declared not applicable is reported as such, with the reason", async () => {
    const declared = { ...adapter, notApplicable: { "send-timeout": "Acme answers within 50 ms, always" } };
    expect(await runCheck("send-timeout", acmeChat(["no-maybe-sent"]), declared)).toBe("not applicable: Acme answers within 50 ms, always");
  });

  test("a send failure check without a way to steer the provider fails, rather than passing silently", async () => {
    const blind = { ...adapter, provider: { ...adapter.provider, nextSend: undefined } };
    await expect(runCheck("send-server-error", acmeChat(), blind)).rejects.toThrow(/adapter\.provider\.nextSend is missing/);
  });
});
