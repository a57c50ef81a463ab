-- Where each audited action came from: the client address (X-Forwarded-For only
-- when TRUST_PROXY says a proxy sets it), the entry point ('panel', 'api', 'cli')
-- and the request id that the same request's log lines carry. Old rows keep NULL.
ALTER TABLE audit_log ADD COLUMN ip TEXT;
ALTER TABLE audit_log ADD COLUMN via TEXT;
ALTER TABLE audit_log ADD COLUMN request_id TEXT;
