-- SPDX-License-Identifier: GPL-3.0-or-later
-- NPAC (US) and what every clearinghouse can use of it. Every statement is re-runnable.

-- The clearinghouse's own reference for a port and its own word for the port's status, as it
-- last reported them (NPAC: the subscription version id and status: pending, conflict, active,
-- ...). Shown beside PortingState; the port's state stays the engine's.
ALTER TABLE port_in ADD COLUMN IF NOT EXISTS clearinghouse_ref VARCHAR(32) NULL AFTER pac;
ALTER TABLE port_in ADD COLUMN IF NOT EXISTS clearinghouse_status VARCHAR(24) NULL
  AFTER clearinghouse_ref;
ALTER TABLE port_out ADD COLUMN IF NOT EXISTS clearinghouse_ref VARCHAR(32) NULL
  AFTER clearinghouse;
ALTER TABLE port_out ADD COLUMN IF NOT EXISTS clearinghouse_status VARCHAR(24) NULL
  AFTER clearinghouse_ref;

-- A routing number of the number's own that wins over its operator's (NPAC: the LRN of the
-- subscription version, one per port). NULL: the operator's routing_number. The change log
-- carries it so npenumd follows it.
ALTER TABLE routing ADD COLUMN IF NOT EXISTS lrn VARCHAR(15) NULL AFTER routing_number;
ALTER TABLE routing_changes ADD COLUMN IF NOT EXISTS lrn VARCHAR(15) NULL AFTER routing_number;

-- One NPAC subscription version (a TN range of one NPA-NXX) per port: what the adapter needs
-- for the US timers and follow-ups. Times are instants (UTC); the business-hour arithmetic is
-- the adapter's (src/adapters/npac/calendar.c).
CREATE TABLE IF NOT EXISTS npac_sv (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  port_kind ENUM('in','out') NOT NULL,
  port_id BIGINT UNSIGNED NOT NULL,
  sv_id VARCHAR(32) NULL,                -- the NPAC's id of the first TN's version
  tn_first BIGINT UNSIGNED NOT NULL,     -- E.164
  tn_last BIGINT UNSIGNED NOT NULL,
  status VARCHAR(24) NOT NULL DEFAULT 'pending',
  old_spid VARCHAR(10) NOT NULL,
  new_spid VARCHAR(10) NOT NULL,
  lrn VARCHAR(15) NULL,
  timer_type ENUM('long','short') NOT NULL DEFAULT 'long',
  created_at DATETIME NULL,              -- when the NPAC created the version: T1 starts
  due_at DATETIME NULL,
  t1_at DATETIME NULL,                   -- when the initial concurrence window ends
  t2_at DATETIME NULL,                   -- when the final concurrence window ends
  t1_noted TINYINT(1) NOT NULL DEFAULT 0,
  old_sp_answer ENUM('none','concur','conflict','silent') NOT NULL DEFAULT 'none',
  conflict_cause SMALLINT NULL,
  conflict_at DATETIME NULL,
  cancel_ack_sent TINYINT(1) NOT NULL DEFAULT 0,
  activations SMALLINT NOT NULL DEFAULT 0, -- activation requests sent automatically
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY uk_npac_sv_port (port_kind, port_id),
  KEY ix_npac_sv_sv (sv_id),
  KEY ix_npac_sv_tn (tn_first, tn_last)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The NPAC numbers every notification it sends us; the highest one processed with none
-- missing before it is where a recovery (NANC 351, "send what I missed") starts.
CREATE TABLE IF NOT EXISTS npac_recovery (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  last_sequence BIGINT UNSIGNED NOT NULL DEFAULT 0,
  recovered_at DATETIME NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT IGNORE INTO npac_recovery (id, last_sequence) VALUES (1, 0);

-- Notifications that arrived beyond a gap: applied already, kept so last_sequence can move past
-- them once the gap is filled.
CREATE TABLE IF NOT EXISTS npac_seen (
  sequence BIGINT UNSIGNED NOT NULL PRIMARY KEY
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
