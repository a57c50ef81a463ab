

const MAX_REPLY_BYTES = 256 * 1024;

/**
 * The HTTP step: POSTs the conversation and the contact's fields as JSON and
 * reads a JSON reply (at most 256 KB). Any failure (timeout, refused, non-2xx,
 * not JSON) is `ok: false`, which the program follows as "Ir no".
 */
export async function callHttpStep(url: string, timeoutMs: number, body: unknown): Promise<{ ok: boolean; data?: unknown }> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "user-agent": "Charla-Bot/1" },
      body: JSON.stringify(body),
      redirect: "error",
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return { ok: false };
    const text = await res.text();
    if (text.length > MAX_REPLY_BYTES) return { ok: false };
    return { ok: true, data: text.trim() ? JSON.parse(text) : {} };
  } catch {
    return { ok: false };
  }
}


