-- credentials.recipient_email: the recipient's email (recipients.email never changes for a recipient) copied onto every
-- stored credential, so the console's list reads it from its covering indexes (migration 0020) without a lookup of
-- each row's recipient. New rows get it when stored (credentials-repo.ts insertCredential); the list still reads
-- recipients wherever it is null. The SQLite twin is migrations/0032_recipient_email.sql.
UPDATE credentials SET recipient_email = recipients.email
FROM recipients
WHERE recipients.id = credentials.recipient_id AND credentials.recipient_email IS NULL;
