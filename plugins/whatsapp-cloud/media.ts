import type { MediaRef } from "../../core/channels/contract.ts";
import { describeError } from "./errors.ts";
import type { GraphClient, GraphResult } from "./graph-client.ts";

/**
 * Upload bytes for an outbound message; the answer's id is then sent as
 * `{"image":{"id":...}}`. https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#upload-media
 * Uploading (instead of handing Meta our signed link) keeps working when Charla
 * is not reachable from the internet, and the link never leaves the server.
 */
export async function uploadMedia(
  graph: GraphClient,
  phoneNumberId: string,
  file: { blob: Blob; mimeType: string; filename: string },
): Promise<GraphResult<{ id: string }>> {
  const form = new FormData();
  form.append("messaging_product", "whatsapp");
  form.append("type", file.mimeType);
  // Meta checks the part's content type against `type`: make sure the Blob carries it.
  const blob = file.blob.type === file.mimeType ? file.blob : new Blob([file.blob], { type: file.mimeType });
  form.append("file", blob, file.filename);
  const res = await graph.postForm<{ id?: unknown }>(`${phoneNumberId}/media`, form);
  if (!res.ok) return res;
  const id = typeof res.data.id === "string" && res.data.id ? res.data.id : null;
  if (!id) {
    return { ok: false, error: { code: null, subcode: null, message: "Media upload answered without an id", details: null, transient: false, httpStatus: 200, fbtraceId: null } };
  }
  return { ok: true, data: { id } };
}

/**
 * Inbound media: `GET /{version}/{media-id}` gives a URL valid for 5 minutes, which
 * must be fetched with the same Bearer header.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#download-media
 * Throws a readable Error on failure; the core retries.
 */
export async function fetchMedia(graph: GraphClient, ref: MediaRef): Promise<Blob> {
  const info = await graph.get<{ url?: unknown; mime_type?: unknown }>(ref.id);
  if (!info.ok) throw new Error(`WhatsApp media ${ref.id}: ${describeError(info.error)}`);
  const url = typeof info.data.url === "string" ? info.data.url : "";
  if (!/^https?:\/\//i.test(url)) throw new Error(`WhatsApp media ${ref.id}: Graph gave no download URL`);
  const file = await graph.download(url);
  if (!file.ok) throw new Error(`WhatsApp media ${ref.id}: download failed: ${describeError(file.error)}`);
  const mime = (typeof info.data.mime_type === "string" && info.data.mime_type) || ref.mimeType || file.contentType || "application/octet-stream";
  return file.blob.type === mime ? file.blob : new Blob([file.blob], { type: mime });
}

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "video/mp4": "mp4",
  "video/3gpp": "3gp",
  "audio/ogg": "ogg",
  "audio/mpeg": "mp3",
  "audio/mp4": "m4a",
  "audio/aac": "aac",
  "audio/amr": "amr",
  "application/pdf": "pdf",
};

/** A file name for the multipart part when the message has none. */
export function uploadName(mediaType: string, mimeType: string, filename?: string): string {
  if (filename) return filename;
  const ext = EXTENSIONS[mimeType.split(";")[0]!.trim().toLowerCase()];
  return ext ? `${mediaType}.${ext}` : mediaType;
}
