-- SPDX-License-Identifier: GPL-3.0-or-later
-- npgw initial schema. InnoDB, utf8mb4, UTC timestamps. Numbers are stored as
-- E.164 digits in BIGINT UNSIGNED (E.164 never starts with 0, so nothing is lost)
-- which keeps the routing table and range look-ups small and fast.
-- Every statement is re-runnable (IF NOT EXISTS): see src/db/migrate.c.

-- Operators we exchange ports with, ourselves included (is_self = 1).
CREATE TABLE IF NOT EXISTS operators (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code VARCHAR(10) NOT NULL,
  name VARCHAR(128) NOT NULL DEFAULT '',
  routing_number VARCHAR(16) NOT NULL DEFAULT '',
  ims_domain VARCHAR(253) NOT NULL DEFAULT '',
  naptr_form ENUM('sip','tel') NOT NULL DEFAULT 'sip',
  is_self TINYINT(1) NOT NULL DEFAULT 0,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY uk_operators_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Number blocks each operator was assigned (home ranges): donor detection and ENUM npdi.
CREATE TABLE IF NOT EXISTS operator_ranges (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  operator_id INT UNSIGNED NOT NULL,
  range_start BIGINT UNSIGNED NOT NULL,
  range_end BIGINT UNSIGNED NOT NULL,
  number_type ENUM('mobile','fixed') NOT NULL DEFAULT 'mobile',
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY uk_operator_ranges (range_start, range_end),
  KEY ix_operator_ranges_end (range_end),
  CONSTRAINT fk_operator_ranges_operator FOREIGN KEY (operator_id) REFERENCES operators (id),
  CONSTRAINT ck_operator_ranges_order CHECK (range_end >= range_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Port-ins: numbers coming to us. state holds the PortingXS values (0..99).
CREATE TABLE IF NOT EXISTS port_in (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  msgidentifier VARCHAR(32) NOT NULL,
  clearinghouse VARCHAR(16) NOT NULL DEFAULT 'pxs',
  state SMALLINT NOT NULL DEFAULT 0,
  donor_operator VARCHAR(10) NOT NULL,
  recipient_operator VARCHAR(10) NOT NULL,
  account_type ENUM('Prepaid','Postpaid') NOT NULL,
  number_type ENUM('mobile','fixed') NOT NULL,
  email VARCHAR(254) NOT NULL,
  contact_number VARCHAR(20) NOT NULL,
  override_cooloff TINYINT(1) NOT NULL DEFAULT 0,
  failure_reason SMALLINT NULL,
  failure_text VARCHAR(255) NULL,
  original_id BIGINT UNSIGNED NULL,
  resubmitted_as BIGINT UNSIGNED NULL,
  external_reference VARCHAR(69) NULL,
  port_time DATETIME NULL,
  deadline_at DATETIME NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY uk_port_in_msgid (msgidentifier),
  KEY ix_port_in_state (state, updated_at),
  KEY ix_port_in_deadline (deadline_at),
  KEY ix_port_in_created (created_at),
  CONSTRAINT fk_port_in_original FOREIGN KEY (original_id) REFERENCES port_in (id),
  CONSTRAINT fk_port_in_resubmitted FOREIGN KEY (resubmitted_as) REFERENCES port_in (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS port_in_ranges (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  port_in_id BIGINT UNSIGNED NOT NULL,
  range_start BIGINT UNSIGNED NOT NULL,
  range_end BIGINT UNSIGNED NOT NULL,
  KEY ix_port_in_ranges_port (port_in_id),
  KEY ix_port_in_ranges_start (range_start),
  CONSTRAINT fk_port_in_ranges_port FOREIGN KEY (port_in_id) REFERENCES port_in (id),
  CONSTRAINT ck_port_in_ranges_order CHECK (range_end >= range_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Archived XML of every message sent (output_XML) or received (input_XML).
CREATE TABLE IF NOT EXISTS xml_messages (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  folder ENUM('input_XML','output_XML') NOT NULL,
  filename VARCHAR(128) NOT NULL,
  port_kind ENUM('in','out','none') NOT NULL DEFAULT 'none',
  port_id BIGINT UNSIGNED NULL,
  msgtype VARCHAR(64) NOT NULL,
  message_id VARCHAR(64) NULL,
  body MEDIUMTEXT NOT NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY uk_xml_messages_file (folder, filename),
  KEY ix_xml_messages_port (port_kind, port_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS port_in_events (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  port_in_id BIGINT UNSIGNED NOT NULL,
  msgtype VARCHAR(64) NOT NULL,
  direction TINYINT NOT NULL COMMENT '0 sent by us, 1 received, 2 local',
  from_state SMALLINT NOT NULL,
  to_state SMALLINT NOT NULL,
  applied TINYINT(1) NOT NULL DEFAULT 1 COMMENT '0: refused in from_state, recorded only',
  eventlog VARCHAR(1024) NOT NULL DEFAULT '',
  xml_message_id BIGINT UNSIGNED NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY ix_port_in_events_port (port_in_id, id),
  CONSTRAINT fk_port_in_events_port FOREIGN KEY (port_in_id) REFERENCES port_in (id),
  CONSTRAINT fk_port_in_events_xml FOREIGN KEY (xml_message_id) REFERENCES xml_messages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Port-outs: numbers leaving us at another operator's request.
CREATE TABLE IF NOT EXISTS port_out (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  msgidentifier VARCHAR(32) NOT NULL,
  clearinghouse VARCHAR(16) NOT NULL DEFAULT 'pxs',
  state SMALLINT NOT NULL DEFAULT 0,
  recipient_operator VARCHAR(10) NOT NULL,
  donor_operator VARCHAR(10) NOT NULL,
  account_type ENUM('Prepaid','Postpaid') NULL,
  number_type ENUM('mobile','fixed') NOT NULL,
  failure_reason SMALLINT NULL,
  failure_text VARCHAR(255) NULL,
  port_time DATETIME NULL,
  terminate_at DATETIME NULL,
  deadline_at DATETIME NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY uk_port_out_msgid (msgidentifier),
  KEY ix_port_out_state (state, updated_at),
  KEY ix_port_out_terminate (terminate_at),
  KEY ix_port_out_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS port_out_ranges (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  port_out_id BIGINT UNSIGNED NOT NULL,
  range_start BIGINT UNSIGNED NOT NULL,
  range_end BIGINT UNSIGNED NOT NULL,
  KEY ix_port_out_ranges_port (port_out_id),
  KEY ix_port_out_ranges_start (range_start),
  CONSTRAINT fk_port_out_ranges_port FOREIGN KEY (port_out_id) REFERENCES port_out (id),
  CONSTRAINT ck_port_out_ranges_order CHECK (range_end >= range_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS port_out_events (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  port_out_id BIGINT UNSIGNED NOT NULL,
  msgtype VARCHAR(64) NOT NULL,
  direction TINYINT NOT NULL COMMENT '0 sent by us, 1 received, 2 local',
  from_state SMALLINT NOT NULL,
  to_state SMALLINT NOT NULL,
  applied TINYINT(1) NOT NULL DEFAULT 1,
  eventlog VARCHAR(1024) NOT NULL DEFAULT '',
  xml_message_id BIGINT UNSIGNED NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY ix_port_out_events_port (port_out_id, id),
  CONSTRAINT fk_port_out_events_port FOREIGN KEY (port_out_id) REFERENCES port_out (id),
  CONSTRAINT fk_port_out_events_xml FOREIGN KEY (xml_message_id) REFERENCES xml_messages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Current routing of every number that is not where its home range says:
-- one row per number, the serving operator and its routing number.
CREATE TABLE IF NOT EXISTS routing (
  number BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  operator_id INT UNSIGNED NOT NULL,
  routing_number VARCHAR(16) NOT NULL,
  number_type ENUM('mobile','fixed') NOT NULL DEFAULT 'mobile',
  source ENUM('port_in','port_out','manual','import') NOT NULL,
  port_ref VARCHAR(32) NULL,
  change_id BIGINT UNSIGNED NOT NULL,
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  KEY ix_routing_operator (operator_id),
  CONSTRAINT fk_routing_operator FOREIGN KEY (operator_id) REFERENCES operators (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Every routing change in commit order; npenumd follows it by id.
CREATE TABLE IF NOT EXISTS routing_changes (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  number BIGINT UNSIGNED NOT NULL,
  op ENUM('upsert','delete') NOT NULL,
  operator_id INT UNSIGNED NULL,
  routing_number VARCHAR(16) NULL,
  number_type ENUM('mobile','fixed') NULL,
  source VARCHAR(16) NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY ix_routing_changes_number (number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- REST/SOAP credentials: the key itself is never stored, only a salted SHA-256.
CREATE TABLE IF NOT EXISTS api_keys (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username VARCHAR(64) NOT NULL,
  tier ENUM('admin','pxs','read_only') NOT NULL,
  salt BINARY(16) NOT NULL,
  key_hash BINARY(32) NOT NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  last_used_at DATETIME NULL,
  revoked_at DATETIME NULL,
  UNIQUE KEY uk_api_keys_username (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Outbound effects, written in the same transaction as the change that causes them,
-- delivered by the dispatcher at least once, in id order per ordering_key.
CREATE TABLE IF NOT EXISTS outbox (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind VARCHAR(32) NOT NULL,
  ordering_key VARCHAR(64) NOT NULL,
  idempotency_key VARCHAR(128) NOT NULL,
  port_kind ENUM('in','out','none') NOT NULL DEFAULT 'none',
  port_id BIGINT UNSIGNED NULL,
  payload MEDIUMTEXT NOT NULL,
  state ENUM('pending','done','failed') NOT NULL DEFAULT 'pending',
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_error VARCHAR(512) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  done_at DATETIME(3) NULL,
  UNIQUE KEY uk_outbox_idem (idempotency_key),
  KEY ix_outbox_due (state, next_attempt_at),
  KEY ix_outbox_order (ordering_key, state, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Inbound de-duplication: a message id seen once is never applied again.
CREATE TABLE IF NOT EXISTS inbound_messages (
  source VARCHAR(16) NOT NULL,
  message_id VARCHAR(64) NOT NULL,
  received_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  result VARCHAR(255) NOT NULL DEFAULT '',
  PRIMARY KEY (source, message_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Who did what, when, with what result (every mutating API call).
CREATE TABLE IF NOT EXISTS audit_log (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  actor VARCHAR(64) NOT NULL,
  action VARCHAR(64) NOT NULL,
  target VARCHAR(128) NOT NULL DEFAULT '',
  result VARCHAR(32) NOT NULL,
  detail VARCHAR(1024) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY ix_audit_log_created (created_at),
  KEY ix_audit_log_actor (actor, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Per-month sequence for message identifiers <country><YYYYMM>-<operator>-<NNNNN>.
CREATE TABLE IF NOT EXISTS msgid_sequence (
  prefix VARCHAR(24) NOT NULL PRIMARY KEY,
  next_value INT UNSIGNED NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
