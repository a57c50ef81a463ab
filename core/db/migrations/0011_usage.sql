-- Usage in the ledger (what caused each charge) and the operator's rate table.

ALTER TABLE ledger_entries ADD COLUMN usage_kind TEXT;
ALTER TABLE ledger_entries ADD COLUMN quantity INTEGER;
-- What caused it: 'message' (a WhatsApp message Meta reported billable), 'ai_call', 'conversation'.
ALTER TABLE ledger_entries ADD COLUMN ref_type TEXT;
ALTER TABLE ledger_entries ADD COLUMN ref_id INTEGER;
ALTER TABLE ledger_entries ADD COLUMN external_id TEXT;
-- The provider's own words (Meta's pricing object), kept as they came.
ALTER TABLE ledger_entries ADD COLUMN detail TEXT;
-- Each cause is charged once, however often and in whatever order its statuses arrive.
CREATE UNIQUE INDEX ledger_usage_once ON ledger_entries (ref_type, ref_id) WHERE kind = 'usage';
CREATE INDEX ledger_usage ON ledger_entries (company_id, kind, created_at);

-- Prices in minor units of `currency`: a platform row (company_id NULL) or a company's override;
-- '' for country or model means every one.
CREATE TABLE rates (
  id            INTEGER PRIMARY KEY,
  company_id    INTEGER REFERENCES companies (id) ON DELETE CASCADE,
  kind          TEXT NOT NULL,
  country       TEXT NOT NULL DEFAULT '',
  model         TEXT NOT NULL DEFAULT '',
  amount        INTEGER NOT NULL,
  currency      TEXT NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX rates_key ON rates (COALESCE(company_id, 0), kind, country, model, currency);
