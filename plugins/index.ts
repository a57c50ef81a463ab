import type { ChannelPlugin } from "../core/channels/contract.ts";
import webchat from "./webchat/index.ts";

/**
 * Channel plugins compiled into Charla. Each entry is a plugin folder speaking only
 * the contract in core/channels/contract.ts; the web chat, WhatsApp Cloud and
 * Messenger plugins join this list as they are built.
 */
export const builtinPlugins: readonly ChannelPlugin[] = [webchat as ChannelPlugin];
