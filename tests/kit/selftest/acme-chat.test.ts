/**
 * The kit on a plugin written from the outside (tests/fixtures/kit/acme-chat): a
 * channel that is neither Meta's nor the web chat passes every check.
 */
import acmeChat from "../../fixtures/kit/acme-chat/index.ts";
import { acmeAdapter } from "../../fixtures/kit/acme-chat/adapter.ts";
import { AcmeFake } from "../../fixtures/kit/acme-chat/fake.ts";
import { runChannelConformance } from "../index.ts";

runChannelConformance(acmeChat, acmeAdapter(new AcmeFake()));
