-- person_changes: per person (by e-mail address), a count of the writes to what their console page shows besides their
-- credentials (services/people.ts personPage checks its kept page against it on every view): every evidence record
-- stored, every approval queued, decided or removed, every audit entry about their evidence or approvals. Kept here,
-- whatever the writer; the count only grows. A person without a row has had no such write since this migration: the
-- first one inserts it (a page kept before then is checked against "no row", which that first write changes).
-- Evidence and the audit log are append-only (0001, 0003): only inserts are counted on them. The PostgreSQL twin is
-- migrations-pg/0019_person_changes_counted.sql; test/unit/storage.test.ts lists the triggers every migrated database
-- must have.
-- A migration that rebuilds `evidence`, `pending_approvals`, `audit_log` or `person_changes` (drizzle-kit's __new_<table>
-- copy for some column changes) must drop these triggers first and create them again after: the rename fails on a
-- trigger whose body names the table ("error in trigger audit_log_person_changes: no such table"), and the copy drops
-- the rebuilt table's own triggers.
CREATE TRIGGER `evidence_person_changes` AFTER INSERT ON `evidence`
BEGIN
  INSERT INTO `person_changes` (`email`, `changes`) VALUES (NEW.`person_email`, 1)
    ON CONFLICT (`email`) DO UPDATE SET `changes` = `changes` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `pending_approvals_person_changes_insert` AFTER INSERT ON `pending_approvals`
BEGIN
  INSERT INTO `person_changes` (`email`, `changes`) VALUES (NEW.`person_email`, 1)
    ON CONFLICT (`email`) DO UPDATE SET `changes` = `changes` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `pending_approvals_person_changes_update` AFTER UPDATE ON `pending_approvals`
BEGIN
  INSERT INTO `person_changes` (`email`, `changes`) VALUES (NEW.`person_email`, 1)
    ON CONFLICT (`email`) DO UPDATE SET `changes` = `changes` + 1;
  INSERT INTO `person_changes` (`email`, `changes`)
    SELECT OLD.`person_email`, 1 WHERE OLD.`person_email` <> NEW.`person_email`
    ON CONFLICT (`email`) DO UPDATE SET `changes` = `changes` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `pending_approvals_person_changes_delete` AFTER DELETE ON `pending_approvals`
BEGIN
  INSERT INTO `person_changes` (`email`, `changes`) VALUES (OLD.`person_email`, 1)
    ON CONFLICT (`email`) DO UPDATE SET `changes` = `changes` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_person_changes` AFTER INSERT ON `audit_log`
WHEN NEW.`target_type` IN ('evidence', 'approval')
BEGIN
  INSERT INTO `person_changes` (`email`, `changes`)
    SELECT `person_email`, 1 FROM `evidence` WHERE NEW.`target_type` = 'evidence' AND `id` = NEW.`target_id`
    ON CONFLICT (`email`) DO UPDATE SET `changes` = `changes` + 1;
  INSERT INTO `person_changes` (`email`, `changes`)
    SELECT `person_email`, 1 FROM `pending_approvals` WHERE NEW.`target_type` = 'approval' AND `id` = NEW.`target_id`
    ON CONFLICT (`email`) DO UPDATE SET `changes` = `changes` + 1;
END;
