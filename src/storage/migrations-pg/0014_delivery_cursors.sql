CREATE TABLE "delivery_cursors" (
	"channel" text PRIMARY KEY NOT NULL,
	"after_seq" bigint NOT NULL,
	"gaps" json NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
