import type { ChannelPlugin } from "../core/channels/contract.ts";
import messenger from "./messenger/index.ts";
import webchat from "./webchat/index.ts";
import whatsappCloud from "./whatsapp-cloud/index.ts";
import type { AiProviderPlugin } from "../core/ai/contract.ts";
import chatgpt from "./chatgpt/index.ts";

/**
 * Channel plugins compiled into Charla. Each entry is a plugin folder speaking only
 * the contract in core/channels/contract.ts.
 */
export const builtinPlugins: readonly ChannelPlugin[] = [webchat, whatsappCloud, messenger] as unknown as ChannelPlugin[];

/** AI provider plugins compiled into Charla (core/ai/contract.ts). */
export const builtinAiProviders: readonly AiProviderPlugin[] = [chatgpt];
