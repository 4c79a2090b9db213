CREATE TABLE `person_history` (
	`email` text NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`email`, `seq`)
);
