export interface Company {
  id: number;
  name: string;
  slug: string;
  country: string;
  timeZone: string;
  currency: string;
  active: boolean;
  createdAt: number;
}

export interface CompanyInput {
  name: string;
  slug: string;
  country: string;
  timeZone: string;
  currency: string;
  active: boolean;
}
