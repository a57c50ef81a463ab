export interface Company extends CompanyInput {
  id: number;
  createdAt: number;
}

/** What the form, the CLI and first-run setup send; validated by CompanyService. */
export interface CompanyInput {
  name: string;
  slug: string;
  country: string;
  timeZone: string;
  currency: string;
  active: boolean;
}

/**
 * The platform's home zone: the operator's all-companies views have no company
 * of their own, so their days are this zone's.
 */
export const PLATFORM_TIME_ZONE = "America/Bogota";
