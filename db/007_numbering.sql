-- SPDX-License-Identifier: GPL-3.0-or-later
-- Who serves a number, decisions that cannot race, and alarms.

-- Bumped in the transaction of every home-range change: each process keeps the home
-- ranges in memory and reloads them when this moves (one primary-key read per decision).
CREATE TABLE IF NOT EXISTS numbering_version (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  version BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT IGNORE INTO numbering_version (id, version) VALUES (1, 1);

-- One row per block of 10,000 numbers, written (locked) by every transaction that decides
-- about numbers of the block: a port-in created, a port-out received, a termination.
-- Two such transactions on the same block run one after the other; on a Galera cluster
-- the second fails certification and is retried, so two ports of one number never commit.
CREATE TABLE IF NOT EXISTS number_locks (
  block BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  uses BIGINT UNSIGNED NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Conditions an operator must look at: the clearinghouse and npgw disagree about a port,
-- a message could not be delivered for good. Raised in the transaction that finds them.
CREATE TABLE IF NOT EXISTS alarms (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  severity ENUM('critical','major','minor','warning') NOT NULL,
  source VARCHAR(32) NOT NULL,
  port_kind ENUM('in','out','none') NOT NULL DEFAULT 'none',
  port_id BIGINT UNSIGNED NULL,
  text VARCHAR(1024) NOT NULL,
  raised_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  cleared_at DATETIME(3) NULL,
  cleared_by VARCHAR(64) NULL,
  KEY ix_alarms_open (cleared_at, raised_at),
  KEY ix_alarms_port (port_kind, port_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
