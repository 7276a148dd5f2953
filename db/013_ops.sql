-- SPDX-License-Identifier: GPL-3.0-or-later
-- Production operation: named alarms, and what the alarm checks read.

-- Named alarms are conditions npgwd checks (clearinghouse_connectivity, enum_provisioning,
-- crm_sync, charging, rejection_rate, delivery) and clears by itself once they no longer hold;
-- source names what they are about (the outbox kind, the adapter). open_key is unique while
-- such an alarm is open and NULL once it is cleared, so several npgwd checking at once keep
-- one open row per alarm. Alarms without a name (a port disagreement) are cleared by people.
ALTER TABLE alarms ADD COLUMN IF NOT EXISTS name VARCHAR(48) NULL AFTER severity;
ALTER TABLE alarms ADD COLUMN IF NOT EXISTS open_key VARCHAR(96)
  AS (IF(cleared_at IS NULL AND name IS NOT NULL, CONCAT(name, '/', source), NULL)) PERSISTENT;
CREATE UNIQUE INDEX IF NOT EXISTS uk_alarms_open_key ON alarms (open_key);

-- The rejection rate counts the port-in authorisation answers of a recent window.
CREATE INDEX IF NOT EXISTS ix_port_in_events_to_state ON port_in_events (to_state, created_at);
