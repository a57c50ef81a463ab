/**
 * The core's webhook route in miniature, for channel plugin tests that talk real HTTP (e.g. the
 * Meta fake's handshake and signed deliveries): raw bytes in, the plugin's verdict out. No tests here.
 */
import type { ChannelInstance, InboundResult } from "../../core/channels/contract.ts";

export interface WebhookServerOptions {
  /** The caller address the plugin is told. Default 173.252.88.1 (a Meta address). */
  clientAddress?: string;
  /** The answer to a request the plugin turned into events. Default 200 "EVENT_RECEIVED". */
  acknowledge?: () => Response;
}

export interface WebhookServer {
  /** `http://127.0.0.1:<port>/webhooks/3` (the harnesses' channel 3; the plugin is served on every path). */
  url: string;
  /** Every InboundResult the plugin returned, in order. */
  results: InboundResult[];
  stop(): Promise<void>;
}

/** Serves `instance.handleWebhook` on 127.0.0.1 (a free port): challenges as the plugin's response, rejections as their status. */
export function serveWebhook(instance: ChannelInstance, options: WebhookServerOptions = {}): WebhookServer {
  const { clientAddress = "173.252.88.1", acknowledge = () => new Response("EVENT_RECEIVED") } = options;
  const results: InboundResult[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const result = await instance.handleWebhook({
        method: req.method as "GET" | "POST",
        url: new URL(req.url),
        headers: req.headers,
        body: new Uint8Array(await req.arrayBuffer()),
        clientAddress,
      });
      results.push(result);
      if (result.type === "challenge") return result.response;
      if (result.type === "rejected") return new Response(result.reason, { status: result.status });
      return acknowledge();
    },
  });
  return { url: `http://127.0.0.1:${server.port}/webhooks/3`, results, stop: () => server.stop(true) };
}
