-- person_history: per person (by e-mail address), the seq of every audit entry about their credentials, evidence
-- records and approvals, so that their console page reads the newest of them through this table's primary key
-- (storage/people-repo.ts auditAboutPerson). Kept here, whatever the writer, on every node: an entry is about the
-- person its target row names when it is written (every writer stores that row before its entry, in the same
-- transaction); the log is append-only, so only inserts are followed. The entries already in the log are filled in
-- below. `ON CONFLICT DO NOTHING`: a copy into a new database (storage/copy.ts) inserts the copied log, which fires this
-- trigger, beside the copied rows of this table. The SQLite twin is migrations/0034_person_history_kept.sql.
CREATE FUNCTION laurel_person_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- only the statement of the entry's target type runs
  IF NEW.target_type = 'credential' THEN
    INSERT INTO person_history (email, seq)
      SELECT recipients.email, NEW.seq FROM credentials JOIN recipients ON recipients.id = credentials.recipient_id
        WHERE credentials.id = NEW.target_id
      ON CONFLICT DO NOTHING;
  ELSIF NEW.target_type = 'evidence' THEN
    INSERT INTO person_history (email, seq)
      SELECT person_email, NEW.seq FROM evidence WHERE id = NEW.target_id
      ON CONFLICT DO NOTHING;
  ELSIF NEW.target_type = 'approval' THEN
    INSERT INTO person_history (email, seq)
      SELECT person_email, NEW.seq FROM pending_approvals WHERE id = NEW.target_id
      ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_person_history AFTER INSERT ON audit_log
  FOR EACH ROW WHEN (NEW.target_type IN ('credential', 'evidence', 'approval')) EXECUTE FUNCTION laurel_person_history();
--> statement-breakpoint
INSERT INTO person_history (email, seq)
  SELECT recipients.email, audit_log.seq FROM audit_log
    JOIN credentials ON credentials.id = audit_log.target_id
    JOIN recipients ON recipients.id = credentials.recipient_id
    WHERE audit_log.target_type = 'credential'
  UNION ALL
  SELECT evidence.person_email, audit_log.seq FROM audit_log
    JOIN evidence ON evidence.id = audit_log.target_id
    WHERE audit_log.target_type = 'evidence'
  UNION ALL
  SELECT pending_approvals.person_email, audit_log.seq FROM audit_log
    JOIN pending_approvals ON pending_approvals.id = audit_log.target_id
    WHERE audit_log.target_type = 'approval'
  ON CONFLICT DO NOTHING;
