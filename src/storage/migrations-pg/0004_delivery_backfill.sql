-- The built-in delivery channels (e-mail, webhooks) start with the events written from now on: an installation
-- that already holds events must not mail every recipient it ever had, nor call endpoints that do not exist yet.
-- Every earlier event is marked delivered for both channels (see the SQLite migration 0015).
INSERT INTO "event_deliveries" ("channel", "event_seq", "claim_token", "claimed_until", "attempts", "delivered_at")
SELECT "c"."channel", "e"."seq", 'before-delivery-channels', "e"."occurred_at", 0, "e"."occurred_at"
FROM "events" AS "e" CROSS JOIN (VALUES ('laurel.email'), ('laurel.webhooks')) AS "c" ("channel")
ON CONFLICT DO NOTHING;
