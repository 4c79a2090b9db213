-- person_history: per person (by e-mail address), the seq of every audit entry about their credentials, evidence
-- records and approvals, so that their console page reads the newest of them through this table's primary key
-- (storage/people-repo.ts auditAboutPerson) instead of finding every entry about every one of their rows and sorting
-- them. Kept here, whatever the writer: an entry is about the person its target row names when it is written (the
-- credential's recipient, the record's or the approval's person; every writer stores that row before its entry), and
-- the log is append-only (0001), so only inserts are followed. The entries already in the log are filled in below.
-- `OR IGNORE`: a copy into a new database (storage/copy.ts) inserts the copied log, which fires these triggers, beside the
-- copied rows of this table. The PostgreSQL twin is migrations-pg/0023_person_history_kept.sql;
-- test/unit/storage.test.ts lists the triggers every migrated database must have.
-- A migration that rebuilds `audit_log`, `credentials`, `recipients`, `evidence`, `pending_approvals` or
-- `person_history` must drop these triggers first and create them again after (see 0030's header).
-- The table is made again WITHOUT ROWID (drizzle cannot declare it; 0033 made it empty a moment before): its primary
-- key is then the table itself, one B-tree insert per entry filed, not a row and an index entry. Measured on every audit
-- entry about a person's record (SQLite, one transaction of 2,000): 4.9 us without this trigger, 14.8 us with it on a
-- rowid table, 6.9 us WITHOUT ROWID; one trigger per target type rather than one whose SELECT unites the three: 2 us
-- less again.
DROP TABLE `person_history`;
--> statement-breakpoint
CREATE TABLE `person_history` (
	`email` text NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`email`, `seq`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TRIGGER `audit_log_person_history_credential` AFTER INSERT ON `audit_log`
WHEN NEW.`target_type` = 'credential'
BEGIN
  INSERT OR IGNORE INTO `person_history` (`email`, `seq`)
    SELECT `recipients`.`email`, NEW.`seq` FROM `credentials`
      JOIN `recipients` ON `recipients`.`id` = `credentials`.`recipient_id`
      WHERE `credentials`.`id` = NEW.`target_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_person_history_evidence` AFTER INSERT ON `audit_log`
WHEN NEW.`target_type` = 'evidence'
BEGIN
  INSERT OR IGNORE INTO `person_history` (`email`, `seq`)
    SELECT `person_email`, NEW.`seq` FROM `evidence` WHERE `id` = NEW.`target_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_person_history_approval` AFTER INSERT ON `audit_log`
WHEN NEW.`target_type` = 'approval'
BEGIN
  INSERT OR IGNORE INTO `person_history` (`email`, `seq`)
    SELECT `person_email`, NEW.`seq` FROM `pending_approvals` WHERE `id` = NEW.`target_id`;
END;
--> statement-breakpoint
INSERT OR IGNORE INTO `person_history` (`email`, `seq`)
  SELECT `recipients`.`email`, `audit_log`.`seq` FROM `audit_log`
    JOIN `credentials` ON `credentials`.`id` = `audit_log`.`target_id`
    JOIN `recipients` ON `recipients`.`id` = `credentials`.`recipient_id`
    WHERE `audit_log`.`target_type` = 'credential'
  UNION ALL
  SELECT `evidence`.`person_email`, `audit_log`.`seq` FROM `audit_log`
    JOIN `evidence` ON `evidence`.`id` = `audit_log`.`target_id`
    WHERE `audit_log`.`target_type` = 'evidence'
  UNION ALL
  SELECT `pending_approvals`.`person_email`, `audit_log`.`seq` FROM `audit_log`
    JOIN `pending_approvals` ON `pending_approvals`.`id` = `audit_log`.`target_id`
    WHERE `audit_log`.`target_type` = 'approval';
