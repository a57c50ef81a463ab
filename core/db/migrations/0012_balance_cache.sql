-- The balance read on every page and every priced send: the ledger's sum kept on
-- the company's row by the database itself, in the same transaction as each entry
-- (entries are never updated or deleted, so an insert trigger is the whole story).
ALTER TABLE companies ADD COLUMN balance INTEGER NOT NULL DEFAULT 0;
UPDATE companies SET balance = COALESCE((SELECT SUM(amount) FROM ledger_entries WHERE company_id = companies.id), 0);
CREATE TRIGGER ledger_keeps_balance AFTER INSERT ON ledger_entries
BEGIN
  UPDATE companies SET balance = balance + NEW.amount WHERE id = NEW.company_id;
END;
