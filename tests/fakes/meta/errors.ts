import { newFbtraceId } from "./ids.ts";

/** Graph API error envelope, as Meta sends it. */
export interface MetaErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product?: "whatsapp"; details: string };
    is_transient?: boolean;
    fbtrace_id?: string;
  };
}

/** One canned Graph error: the HTTP status and the exact JSON body. */
export interface MetaErrorSpec {
  status: number;
  body: MetaErrorBody;
}

/** fbtrace_id used by the catalog entries, so a test can compare a whole body with toEqual. */
export const CATALOG_FBTRACE_ID = "AQzL0bXq7Fk";

const HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/";

function cloud(code: number, title: string, details: string, status = 400): MetaErrorSpec {
  return {
    status,
    body: {
      error: {
        message: `(#${code}) ${title}`,
        type: "OAuthException",
        code,
        error_data: { messaging_product: "whatsapp", details },
        fbtrace_id: CATALOG_FBTRACE_ID,
      },
    },
  };
}

function graph(status: number, error: Omit<MetaErrorBody["error"], "type" | "fbtrace_id">): MetaErrorSpec {
  return { status, body: { error: { ...error, type: "OAuthException", fbtrace_id: CATALOG_FBTRACE_ID } } };
}

/**
 * The Graph errors the plugins must handle, keyed by `code` (2 = the generic 500
 * transient, 10 = Messenger's "outside of allowed window", subcode 2018278).
 * Send one with `meta.failNext(META_ERRORS[131047])` or just `meta.failNext(131047)`.
 */
export const META_ERRORS = {
  130429: cloud(130429, "Rate limit hit", "Cloud API message throughput has been reached."),
  131056: cloud(
    131056,
    "(Business Account, Consumer Account) pair rate limit hit",
    "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.",
  ),
  131047: cloud(
    131047,
    "Re-engagement message",
    "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
  ),
  131026: cloud(
    131026,
    "Message Undeliverable",
    "Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number; the recipient has not accepted WhatsApp's new Terms of Service and Privacy Policy; the recipient is using an old WhatsApp version.",
  ),
  131049: cloud(
    131049,
    "This message was not delivered to maintain healthy ecosystem engagement.",
    "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.",
  ),
  131050: cloud(
    131050,
    "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.",
    "The recipient has opted out of marketing messages from your business.",
  ),
  132000: cloud(
    132000,
    "Number of parameters does not match the expected number of params",
    "The number of variable parameter values included in the request did not match the number of variable parameters defined in the template.",
  ),
  132001: cloud(
    132001,
    "Template name does not exist in the translation",
    "The template does not exist in the specified language or the template has not been approved.",
  ),
  368: cloud(
    368,
    "Temporarily blocked for policies violations",
    "The WhatsApp Business Account associated with the app has been restricted or disabled for violating a platform policy.",
  ),
  100: cloud(100, "Invalid parameter", "The request included one or more unsupported or misspelled parameters."),
  190: graph(401, {
    message:
      "Error validating access token: Session has expired on Tuesday, 01-Jul-25 10:00:00 PDT. The current time is Tuesday, 01-Jul-25 10:05:00 PDT.",
    code: 190,
    error_subcode: 463,
  }),
  2: graph(500, {
    message: "An unexpected error has occurred. Please retry your request later.",
    code: 2,
    is_transient: true,
  }),
  10: graph(400, {
    message:
      "(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview",
    code: 10,
    error_subcode: 2018278,
  }),
  551: graph(400, { message: "(#551) This person isn't available right now.", code: 551, error_subcode: 1545041 }),
  613: graph(400, { message: "(#613) Calls to this api have exceeded the rate limit.", code: 613 }),
} satisfies Record<number, MetaErrorSpec>;

export type MetaErrorCode = keyof typeof META_ERRORS;

/** A copy of a catalog entry with a fresh fbtrace_id. */
export function withFreshTrace(spec: MetaErrorSpec): MetaErrorSpec {
  return { status: spec.status, body: { error: { ...spec.body.error, fbtrace_id: newFbtraceId() } } };
}

/** A WhatsApp (#100) validation error, with `error_data.details` like the Cloud API. */
export function waInvalid(message: string, details: string): MetaErrorSpec {
  return {
    status: 400,
    body: {
      error: {
        message,
        type: "OAuthException",
        code: 100,
        error_data: { messaging_product: "whatsapp", details },
        fbtrace_id: newFbtraceId(),
      },
    },
  };
}

/** A plain Graph error (no error_data), e.g. Messenger validation or object lookups. */
export function graphError(status: number, code: number, message: string, subcode?: number): MetaErrorSpec {
  const error: MetaErrorBody["error"] = { message, type: "OAuthException", code };
  if (subcode !== undefined) error.error_subcode = subcode;
  error.fbtrace_id = newFbtraceId();
  return { status, body: { error } };
}

export const tokenExpired = (): MetaErrorSpec => withFreshTrace(META_ERRORS[190]);

export const tokenMissing = (): MetaErrorSpec => graphError(400, 104, "An access token is required to request this resource.");

export function objectNotFound(method: "get" | "post" | "delete", id: string): MetaErrorSpec {
  return graphError(
    400,
    100,
    `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    33,
  );
}

export const unknownPath = (path: string): MetaErrorSpec => graphError(400, 2500, `Unknown path components: ${path}`);

/** Webhook-style error object (statuses[].errors[]) for a catalog code, as Cloud API webhooks carry it. */
export interface WebhookError {
  code: number;
  title: string;
  message: string;
  error_data?: { details: string };
  href?: string;
}

export function webhookError(code: number): WebhookError {
  const spec = (META_ERRORS as Record<number, MetaErrorSpec>)[code];
  if (!spec) return { code, title: "Unknown error", message: "Unknown error", href: HREF };
  const title = spec.body.error.message.replace(/^\(#\d+\)\s*/, "");
  const out: WebhookError = { code, title, message: title };
  if (spec.body.error.error_data) out.error_data = { details: spec.body.error.error_data.details };
  out.href = HREF;
  return out;
}
