import type { Viewer } from "../auth/access.ts";

/**
 * What the guard learned about a request, kept for the error mapper (which runs
 * outside the handler's context) so error pages use the viewer's language without
 * a second session lookup.
 */
const viewers = new WeakMap<Request, Viewer | null>();

export function rememberViewer(request: Request, viewer: Viewer | null): void {
  viewers.set(request, viewer);
}

export function knownViewer(request: Request): Viewer | null | undefined {
  return viewers.get(request);
}
