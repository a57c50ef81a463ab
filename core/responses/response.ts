/** A canned response ("respuesta predeterminada"): NOMBRE, KEY, DESCRIPCIÓN (its text), FINALIZAR, AUTOMÁTICO. */
export interface CannedResponse {
  id: number;
  companyId: number;
  name: string;
  key: string;
  text: string;
  finalize: boolean;
  automatic: boolean;
  mediaId: number | null;
  mediaName: string | null;
  mediaMime: string | null;
  /** Limited to these queues; empty: every queue. */
  queueIds: number[];
  createdAt: number;
  updatedAt: number;
}

export interface ResponseInput {
  name: string;
  key: string;
  text: string;
  finalize: boolean;
  automatic: boolean;
  queueIds: number[];
}

/** An attachment given with the form or the API. */
export interface ResponseFile {
  bytes: Uint8Array;
  mimeType: string;
  filename: string;
}
