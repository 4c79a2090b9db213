-- credentials.recipient_email: the recipient's email (recipients.email never changes for a recipient) copied onto every
-- stored credential, so the console's list reads it from its covering indexes (migration 0031) without a lookup of
-- each row's recipient. This rewrites every credential row once (its signed document with it, into the WAL): a
-- one-time cost for a list that every console visit pays. New rows get it when stored (credentials-repo.ts
-- insertCredential); the list still reads recipients wherever it is null. The PostgreSQL twin is
-- migrations-pg/0021_recipient_email.sql.
UPDATE `credentials` SET `recipient_email` = (
  SELECT `recipients`.`email` FROM `recipients` WHERE `recipients`.`id` = `credentials`.`recipient_id`
)
WHERE `recipient_email` IS NULL;
