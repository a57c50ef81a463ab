import { t } from "elysia";

/**
 * A JSON integer, strictly: Elysia's own t.Integer also takes "10" (a string) and
 * converts it, which lets a wrong JSON type through. Bodies use this one.
 */
export const Int = (options: { minimum?: number; maximum?: number } = {}) => t.Number({ multipleOf: 1, ...options });
