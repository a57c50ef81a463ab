/**
 * The web chat plugin against the channel conformance kit (tests/kit). There is no
 * provider and no signature: the chat page issues each visitor a cookie holding a
 * token MACed with the channel's key (plugins/webchat/visitor.ts), and the widget's
 * posts are authenticated by that cookie. So a "valid" request carries the cookie the
 * plugin's own page set, a "forged" one a well-formed token this channel never issued,
 * and "none" no cookie at all.
 */
import { createHash, randomBytes } from "node:crypto";
import type { ChannelInstance, TranscriptEntry } from "../../../plugins/sdk/index.ts";
import webchat, { type WebchatConfig } from "../../../plugins/webchat/index.ts";
import { KIT_START, runChannelConformance, type ConformanceAdapter, type KitEnv } from "../../kit/index.ts";

const CHANNEL = 7;
/** An agent's message already in the visitor's conversation, as the core's transcript lists it. */
const SENT: TranscriptEntry = {
  id: 41,
  direction: "out",
  author: "agent",
  kind: "text",
  text: "¡Hola! Sí, enviamos a todo el país.",
  mediaUrl: null,
  mediaType: null,
  filename: null,
  status: "delivered",
  externalId: "wc-out-charla-41",
  createdAt: KIT_START - 30_000,
};

/** One visitor per instance: the cookie the chat page set when the kit opened it. */
const visitors = new WeakMap<ChannelInstance, Promise<{ cookie: string; customerId: string }>>();
function visitor(env: KitEnv<WebchatConfig>): Promise<{ cookie: string; customerId: string }> {
  let v = visitors.get(env.instance);
  if (!v) {
    v = (async () => {
      const page = await env.instance.handlePublic!({
        method: "GET",
        url: new URL(env.ctx.publicUrl),
        headers: new Headers({ "accept-language": "es" }),
        body: new Uint8Array(),
        clientAddress: "203.0.113.9",
        path: "",
        signal: new AbortController().signal,
      });
      const cookie = page.headers.getSetCookie()[0]!.split(";")[0]!;
      const token = cookie.slice(cookie.indexOf("=") + 1);
      return { cookie, customerId: createHash("sha256").update(token).digest("hex").slice(0, 32) };
    })();
    visitors.set(env.instance, v);
  }
  return v;
}

const adapter: ConformanceAdapter<WebchatConfig> = {
  // As the settings form posts them: strings, which the core's rules coerce.
  config: () => ({ title: "Chat de Panadería Lola", askName: "true", askPhone: "false", color: "#1d4ed8", allowedOrigins: "" }),
  context: () => ({ channelId: CHANNEL, transcript: async () => [SENT] }),
  recipient: "3f0c9a6be2d14c7f8a5b6c7d8e9f0a1b",
  webhook: {
    request: async (body, auth, env) => {
      const headers = new Headers({ "content-type": "application/json", origin: new URL(env.ctx.publicUrl).origin });
      if (auth === "valid") headers.set("cookie", (await visitor(env)).cookie);
      // The right shape (32 bytes, base64url), but not MACed with this channel's key.
      if (auth === "forged") headers.set("cookie", `charla_wc_${CHANNEL}=${randomBytes(32).toString("base64url")}`);
      return { method: "POST", url: new URL(env.ctx.webhookUrl), headers, body, clientAddress: "203.0.113.9" };
    },
  },
  samples: {
    text: async (n, env) => {
      const clientId = `kit-client-${n}-0a1b2c3d`;
      const { customerId } = await visitor(env);
      return {
        body: { type: "message", clientId, text: "Hola, ¿hacen envíos?" },
        expect: { externalId: `wc-in-${customerId}-${clientId}`, from: customerId, text: "Hola, ¿hacen envíos?", timestamp: env.kit.clock.t },
      };
    },
    // The visitor's page reports what it showed; only messages of their own conversation count.
    statuses: () => [{ body: { type: "read", externalIds: [SENT.externalId] }, expect: { status: "read", externalId: SENT.externalId! } }],
  },
  provider: {
    // Nothing to steer for success; a template is what the web chat refuses for good.
    nextSend: (outcome) => (outcome === "permanent" ? { content: { kind: "template", name: "bienvenida", language: "es", parameters: [] } } : undefined),
  },
  notApplicable: {
    "webhook-rejects-altered": "no provider signs the body: the visitor's cookie authenticates the visitor, so a changed body is just another message from the same visitor",
    "inbound-media": "visitors cannot upload files; the media capability is agents' files, sent to the visitor as signed links",
    "send-rate-limited": "sends are pushes to the visitor's open streams in this process: no provider to throttle them",
    "send-server-error": "sends are pushes to the visitor's open streams in this process: no provider to fail",
    "send-timeout": "sends are pushes to the visitor's open streams in this process: no request to time out",
    "send-token-expired": "the web chat has no credentials anywhere",
  },
};

runChannelConformance(webchat, adapter);

// Embedded on a business's site, the chat also checks the page's Origin: the cookie
// of a real visitor, posted from a site not on the list, is refused.
const SHOP = "https://www.mitienda.com";
runChannelConformance(
  webchat,
  {
    ...adapter,
    name: "webchat embedded on an allowed site",
    config: async () => ({ ...(await adapter.config()), allowedOrigins: SHOP }),
    webhook: {
      request: async (body, auth, env) => {
        const headers = new Headers({ "content-type": "application/json", origin: auth === "valid" ? SHOP : "https://evil.example" });
        if (auth !== "none") headers.set("cookie", (await visitor(env)).cookie);
        return { method: "POST", url: new URL(env.ctx.webhookUrl), headers, body, clientAddress: "203.0.113.9" };
      },
    },
  },
  { only: ["config-accepted", "webhook-accepts-authentic", "webhook-rejects-forged", "inbound-text"] },
);
