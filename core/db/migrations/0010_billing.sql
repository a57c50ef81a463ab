-- Prepaid billing: an append-only ledger per company in integer minor units of
-- the company's currency. The balance is the sum of the ledger; nothing edits or
-- deletes an entry (a wrong recharge is reversed by a new one).

CREATE TABLE ledger_entries (
  id           INTEGER PRIMARY KEY,
  company_id   INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  -- recharge | usage | adjustment | reversal
  kind         TEXT NOT NULL,
  -- Signed: recharges add, usage deducts.
  amount       INTEGER NOT NULL,
  currency     TEXT NOT NULL,
  -- The day the money counts for (a recharge's payment date), YYYY-MM-DD in the company's time zone.
  value_date   TEXT NOT NULL,
  method       TEXT,
  reference    TEXT,
  note         TEXT,
  -- The entry a reversal cancels.
  reverses_id  INTEGER REFERENCES ledger_entries (id),
  created_by   TEXT,
  created_at   INTEGER NOT NULL
);
CREATE INDEX ledger_company ON ledger_entries (company_id, id);
CREATE INDEX ledger_recharges ON ledger_entries (company_id, kind, value_date);
CREATE INDEX ledger_recharges_all ON ledger_entries (kind, value_date);
-- One reversal per entry.
CREATE UNIQUE INDEX ledger_reversal_once ON ledger_entries (reverses_id) WHERE reverses_id IS NOT NULL;

-- The ledger is append-only: the database itself refuses changes and deletions
-- (a company's deletion still cascades: companies are never deleted in practice).
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger entries are append-only');
END;

-- The admins' low-balance banner shows at or below this (minor units; NULL: never).
ALTER TABLE companies ADD COLUMN low_balance_threshold INTEGER;
-- Priced sends are refused below minus this (minor units; the operator's credit).
ALTER TABLE companies ADD COLUMN credit_limit INTEGER NOT NULL DEFAULT 0;
