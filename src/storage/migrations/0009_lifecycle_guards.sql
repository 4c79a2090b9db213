-- The events outbox is append-only: delivery state lives in event_deliveries.
CREATE TRIGGER `events_no_update` BEFORE UPDATE ON `events`
BEGIN
  SELECT RAISE(ABORT, 'events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `events_no_delete` BEFORE DELETE ON `events`
BEGIN
  SELECT RAISE(ABORT, 'events is append-only');
END;
--> statement-breakpoint
-- A status index, once handed out, is never handed out again: entries are never deleted or moved,
-- and the credential an entry belongs to never changes once set.
CREATE TRIGGER `status_entries_no_delete` BEFORE DELETE ON `status_entries`
BEGIN
  SELECT RAISE(ABORT, 'status entries are never deleted: an index is never reused');
END;
--> statement-breakpoint
CREATE TRIGGER `status_entries_fixed_slot` BEFORE UPDATE OF `list_id`, `idx` ON `status_entries`
BEGIN
  SELECT RAISE(ABORT, 'status entries never move');
END;
--> statement-breakpoint
CREATE TRIGGER `status_entries_owner_once` BEFORE UPDATE OF `credential_id` ON `status_entries`
WHEN OLD.`credential_id` IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'a status entry belongs to one credential for ever');
END;
--> statement-breakpoint
-- Revocation is irreversible (BSL 1.0 §2.1): a set revocation bit is never cleared.
CREATE TRIGGER `status_entries_revocation_final` BEFORE UPDATE OF `bit` ON `status_entries`
WHEN OLD.`bit` = 1 AND NEW.`bit` = 0
  AND (SELECT `purpose` FROM `status_lists` WHERE `id` = OLD.`list_id`) = 'revocation'
BEGIN
  SELECT RAISE(ABORT, 'revocation is final: a revocation bit is never cleared');
END;
--> statement-breakpoint
CREATE TRIGGER `credentials_revocation_final` BEFORE UPDATE OF `revoked_at` ON `credentials`
WHEN OLD.`revoked_at` IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'revocation is final');
END;
