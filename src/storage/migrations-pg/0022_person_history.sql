CREATE TABLE "person_history" (
	"email" text NOT NULL,
	"seq" bigint NOT NULL,
	CONSTRAINT "person_history_email_seq_pk" PRIMARY KEY("email","seq")
);
