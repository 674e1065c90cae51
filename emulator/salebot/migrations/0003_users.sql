-- Simulated end users (the control API's users): a client can unsubscribe
-- (block the bot), and history entries remember the outbox message they
-- delivered and what a simulated user did, for conversation threads.
ALTER TABLE sb_clients ADD COLUMN unsubscribed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sb_messages ADD COLUMN outbox_id INTEGER;                  -- the outbox message this entry delivered
ALTER TABLE sb_messages ADD COLUMN user_action TEXT NOT NULL DEFAULT ''; -- button_press, subscribe, unsubscribe; '' otherwise
ALTER TABLE sb_messages ADD COLUMN reply_to TEXT NOT NULL DEFAULT '';    -- button_press: the thread event whose button was pressed
