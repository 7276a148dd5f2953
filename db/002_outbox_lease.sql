-- SPDX-License-Identifier: GPL-3.0-or-later
-- The dispatcher claims an outbox row by leasing it (lease_until), commits, and only
-- then delivers: nothing is sent from inside a transaction. A crashed worker's lease
-- simply runs out and another worker takes the row again.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS lease_until DATETIME(3) NULL AFTER next_attempt_at;
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS result VARCHAR(512) NULL AFTER last_error;
-- Which clearinghouse answer a port is waiting for, so the local timer can say so.
ALTER TABLE port_in ADD COLUMN IF NOT EXISTS waiting_for VARCHAR(64) NULL AFTER deadline_at;
ALTER TABLE port_out ADD COLUMN IF NOT EXISTS waiting_for VARCHAR(64) NULL AFTER deadline_at;
