-- The append-only tables and the status-entry rules of the SQLite migrations (0001, 0003, 0006, 0009), as PL/pgSQL
-- triggers: whatever the caller, the database refuses what Laurel never does.
CREATE FUNCTION laurel_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION laurel_refuse('audit_log is append-only');
--> statement-breakpoint
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION laurel_refuse('audit_log is append-only');
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_refuse('audit_log is append-only');
--> statement-breakpoint
CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence
  FOR EACH ROW EXECUTE FUNCTION laurel_refuse('evidence is append-only: submit a correction that supersedes the record');
--> statement-breakpoint
CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
  FOR EACH ROW EXECUTE FUNCTION laurel_refuse('evidence is append-only');
--> statement-breakpoint
CREATE TRIGGER evidence_no_truncate BEFORE TRUNCATE ON evidence
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_refuse('evidence is append-only');
--> statement-breakpoint
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  FOR EACH ROW EXECUTE FUNCTION laurel_refuse('events is append-only');
--> statement-breakpoint
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION laurel_refuse('events is append-only');
--> statement-breakpoint
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_refuse('events is append-only');
--> statement-breakpoint
-- A status index, once handed out, is never handed out again: entries are never deleted or moved, and the
-- credential an entry belongs to never changes once set.
CREATE TRIGGER status_entries_no_delete BEFORE DELETE ON status_entries
  FOR EACH ROW EXECUTE FUNCTION laurel_refuse('status entries are never deleted: an index is never reused');
--> statement-breakpoint
CREATE TRIGGER status_entries_no_truncate BEFORE TRUNCATE ON status_entries
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_refuse('status entries are never deleted: an index is never reused');
--> statement-breakpoint
CREATE TRIGGER status_entries_fixed_slot BEFORE UPDATE OF list_id, idx ON status_entries
  FOR EACH ROW WHEN (OLD.list_id IS DISTINCT FROM NEW.list_id OR OLD.idx IS DISTINCT FROM NEW.idx)
  EXECUTE FUNCTION laurel_refuse('status entries never move');
--> statement-breakpoint
CREATE TRIGGER status_entries_owner_once BEFORE UPDATE OF credential_id ON status_entries
  FOR EACH ROW WHEN (OLD.credential_id IS NOT NULL)
  EXECUTE FUNCTION laurel_refuse('a status entry belongs to one credential for ever');
--> statement-breakpoint
-- Revocation is irreversible (BSL 1.0 §2.1): a set revocation bit is never cleared.
CREATE FUNCTION laurel_revocation_bit_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.bit = 1 AND NEW.bit = 0
     AND (SELECT purpose FROM status_lists WHERE id = OLD.list_id) = 'revocation' THEN
    RAISE EXCEPTION 'revocation is final: a revocation bit is never cleared' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER status_entries_revocation_final BEFORE UPDATE OF bit ON status_entries
  FOR EACH ROW EXECUTE FUNCTION laurel_revocation_bit_final();
--> statement-breakpoint
CREATE TRIGGER credentials_revocation_final BEFORE UPDATE OF revoked_at ON credentials
  FOR EACH ROW WHEN (OLD.revoked_at IS NOT NULL)
  EXECUTE FUNCTION laurel_refuse('revocation is final');
--> statement-breakpoint
-- At most one undecided approval per person and certification.
CREATE UNIQUE INDEX pending_approvals_open_unique ON pending_approvals (person_email, achievement_id)
  WHERE decided_at IS NULL;
