-- Installations that ran before evaluations were queued may hold people whose evidence was stored but never
-- evaluated (a process killed while loading evidence): mark everyone with evidence due once, so the first start
-- evaluates them all. An evaluation awards only what is met and not held, so this never awards twice.
INSERT INTO `evaluations_due` (`person_email`, `mark`, `marked_at`)
SELECT `person_email`, lower(hex(randomblob(16))), CAST(strftime('%s', 'now') AS INTEGER) * 1000
FROM `evidence` GROUP BY `person_email`;
