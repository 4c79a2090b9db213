-- credentials.history_changes: 0 while the audit log holds no entry about the credential besides its issuance (the
-- page then shows its history without reading the audit log). Kept here, whatever the writer: every later audit
-- entry about a credential (suspended, reinstated, revoked, superseded, or any action added later) counts. Only
-- credentials with such entries are counted (the column's default is 0): a new version of every row would be written
-- otherwise. The SQLite twin is migrations/0028_credential_history.sql.
UPDATE credentials SET history_changes = (
  SELECT count(*) FROM audit_log
  WHERE audit_log.target_type = 'credential' AND audit_log.target_id = credentials.id
    AND audit_log.action <> 'credential.issued'
)
WHERE EXISTS (
  SELECT 1 FROM audit_log
  WHERE audit_log.target_type = 'credential' AND audit_log.target_id = credentials.id
    AND audit_log.action <> 'credential.issued'
);
--> statement-breakpoint
CREATE FUNCTION laurel_credential_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE credentials SET history_changes = history_changes + 1 WHERE id = NEW.target_id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_credential_history AFTER INSERT ON audit_log
  FOR EACH ROW WHEN (NEW.target_type = 'credential' AND NEW.action <> 'credential.issued')
  EXECUTE FUNCTION laurel_credential_history();
