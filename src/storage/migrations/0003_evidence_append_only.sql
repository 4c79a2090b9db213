-- Evidence is append-only: corrections are new rows that supersede, never edits or deletions.
CREATE TRIGGER `evidence_no_update` BEFORE UPDATE ON `evidence`
BEGIN
  SELECT RAISE(ABORT, 'evidence is append-only: submit a correction that supersedes the record');
END;
--> statement-breakpoint
CREATE TRIGGER `evidence_no_delete` BEFORE DELETE ON `evidence`
BEGIN
  SELECT RAISE(ABORT, 'evidence is append-only');
END;
