-- credentials.history_changes: 0 while the audit log holds no entry about the credential besides its issuance (the
-- page then shows its history without reading the audit log). Kept here, whatever the writer: every later audit
-- entry about a credential (suspended, reinstated, revoked, superseded, or any action added later) counts.
-- Only credentials with such entries are counted (the column's default is 0): rewriting every row would copy every
-- signed document into the WAL.
-- A migration that rebuilds `credentials` (drizzle-kit's __new_credentials copy for some column changes) must drop
-- this trigger first and create it again after, with `credentials_revocation_final` (a trigger on `credentials`
-- which the rebuild would drop): test/unit/storage.test.ts lists the triggers every migrated database must have.
UPDATE `credentials` SET `history_changes` = (
  SELECT count(*) FROM `audit_log`
  WHERE `audit_log`.`target_type` = 'credential' AND `audit_log`.`target_id` = `credentials`.`id`
    AND `audit_log`.`action` <> 'credential.issued'
)
WHERE EXISTS (
  SELECT 1 FROM `audit_log`
  WHERE `audit_log`.`target_type` = 'credential' AND `audit_log`.`target_id` = `credentials`.`id`
    AND `audit_log`.`action` <> 'credential.issued'
);
--> statement-breakpoint
CREATE TRIGGER `audit_log_credential_history` AFTER INSERT ON `audit_log`
WHEN NEW.`target_type` = 'credential' AND NEW.`action` <> 'credential.issued'
BEGIN
  UPDATE `credentials` SET `history_changes` = `history_changes` + 1 WHERE `id` = NEW.`target_id`;
END;
