import type { ChannelService } from "../../core/channels/channel-service.ts";
import { T } from "../../core/tokens.ts";
import { MetaGraphFake } from "../fakes/meta-graph.ts";
import { startLiveServer } from "./live-server.ts";

export const APP_SECRET = "meta-app-secret-0123456789";
export const WABA = "102290129340398";
export const NUMBER_A = { phoneNumberId: "106540352242922", displayPhoneNumber: "15550783881", accessToken: "EAAG-token-number-a" };
export const NUMBER_B = { phoneNumberId: "106540352249999", displayPhoneNumber: "15550780000", accessToken: "EAAG-token-number-b" };
export const PAGE = { pageId: "1234567890123", pageAccessToken: "EAAG-page-token", name: "Tienda Sol" };

/** The real app on a real port, its Graph API pointed at the Meta fake. */
export async function startWithMeta(opts: Parameters<typeof startLiveServer>[1] = {}) {
  const meta = new MetaGraphFake();
  const graph = await meta.start();
  const server = await startLiveServer({ META_GRAPH_URL: graph, META_GRAPH_VERSION: "v24.0" }, opts);
  meta.addWhatsAppNumber({ wabaId: WABA, ...NUMBER_A });
  meta.addWhatsAppNumber({ wabaId: WABA, ...NUMBER_B });
  meta.addPage(PAGE);
  const channels = server.container.resolve<ChannelService>(T.ChannelService);
  const scope = (companyId: number) => ({ companyId, userId: null, role: "admin" as const });
  return {
    meta,
    server,
    whatsapp(companyId: number, number = NUMBER_A, queueId: number | null = null) {
      return channels.create(scope(companyId), "whatsapp-cloud", {
        name: `WhatsApp ${number.displayPhoneNumber}`,
        queueId,
        reopenWindowMinutes: 0,
        config: { phoneNumberId: number.phoneNumberId, wabaId: WABA, accessToken: number.accessToken, appSecret: APP_SECRET },
      });
    },
    messenger(companyId: number, queueId: number | null = null) {
      return channels.create(scope(companyId), "messenger", {
        name: "Messenger",
        queueId,
        reopenWindowMinutes: 0,
        config: { pageId: PAGE.pageId, pageAccessToken: PAGE.pageAccessToken, appSecret: APP_SECRET },
      });
    },
    async stop() {
      await server.stop();
      await meta.stop();
    },
  };
}
