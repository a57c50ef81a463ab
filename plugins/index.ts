import type { ChannelPlugin } from "../core/channels/contract.ts";
import messenger from "./messenger/index.ts";
import webchat from "./webchat/index.ts";
import whatsappCloud from "./whatsapp-cloud/index.ts";

/**
 * Channel plugins compiled into Charla. Each entry is a plugin folder speaking only
 * the contract in core/channels/contract.ts.
 */
export const builtinPlugins: readonly ChannelPlugin[] = [webchat, whatsappCloud, messenger] as unknown as ChannelPlugin[];
