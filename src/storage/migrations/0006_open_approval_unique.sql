-- At most one undecided approval per person and certification.
CREATE UNIQUE INDEX `pending_approvals_open_unique` ON `pending_approvals` (`person_email`,`achievement_id`) WHERE `decided_at` IS NULL;
