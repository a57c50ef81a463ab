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
