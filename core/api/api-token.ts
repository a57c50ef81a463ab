export type TokenScope = "read" | "write";
export const TOKEN_SCOPES: readonly TokenScope[] = ["read", "write"];

export interface ApiToken {
  id: number;
  companyId: number;
  name: string;
  prefix: string;
  scope: TokenScope;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** Who is calling the JSON API: a company and what the token allows. */
export interface ApiCaller {
  tokenId: number;
  /** The name its admin gave the token: who "API" was, in the audit log. */
  tokenName: string;
  companyId: number;
  scope: TokenScope;
}
