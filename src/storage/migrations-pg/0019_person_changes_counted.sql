-- person_changes: per person (by e-mail address), a count of the writes to what their console page shows besides their
-- credentials (services/people.ts personPage checks its kept page against it on every view): every evidence record
-- stored, every approval queued, decided or removed, every audit entry about their evidence or approvals. Kept here,
-- whatever the writer, on every node; the count only grows (concurrent writers take turns on the person's row). A
-- person without a row has had no such write since this migration: the first one inserts it. The SQLite twin is
-- migrations/0030_person_changes_counted.sql.
CREATE FUNCTION laurel_person_changes_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO person_changes (email, changes) VALUES (NEW.person_email, 1)
    ON CONFLICT (email) DO UPDATE SET changes = person_changes.changes + 1;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION laurel_person_changes_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO person_changes (email, changes) VALUES (OLD.person_email, 1)
    ON CONFLICT (email) DO UPDATE SET changes = person_changes.changes + 1;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION laurel_person_changes_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO person_changes (email, changes)
    SELECT person_email, 1 FROM evidence WHERE NEW.target_type = 'evidence' AND id = NEW.target_id
    UNION ALL
    SELECT person_email, 1 FROM pending_approvals WHERE NEW.target_type = 'approval' AND id = NEW.target_id
    ON CONFLICT (email) DO UPDATE SET changes = person_changes.changes + 1;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER evidence_person_changes AFTER INSERT ON evidence
  FOR EACH ROW EXECUTE FUNCTION laurel_person_changes_new();
--> statement-breakpoint
CREATE TRIGGER pending_approvals_person_changes_new AFTER INSERT OR UPDATE ON pending_approvals
  FOR EACH ROW EXECUTE FUNCTION laurel_person_changes_new();
--> statement-breakpoint
CREATE TRIGGER pending_approvals_person_changes_old AFTER UPDATE ON pending_approvals
  FOR EACH ROW WHEN (OLD.person_email IS DISTINCT FROM NEW.person_email) EXECUTE FUNCTION laurel_person_changes_old();
--> statement-breakpoint
CREATE TRIGGER pending_approvals_person_changes_delete AFTER DELETE ON pending_approvals
  FOR EACH ROW EXECUTE FUNCTION laurel_person_changes_old();
--> statement-breakpoint
CREATE TRIGGER audit_log_person_changes AFTER INSERT ON audit_log
  FOR EACH ROW WHEN (NEW.target_type IN ('evidence', 'approval')) EXECUTE FUNCTION laurel_person_changes_audit();
