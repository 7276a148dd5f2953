-- SPDX-License-Identifier: GPL-3.0-or-later
-- UK porting. A UK port-in is an ordinary port_in row (clearinghouse 'uk') authorised by a
-- PAC instead of account details; uk_port_in keeps what the BSS sent with it. PACs we had the
-- platform issue for our leaving subscribers are kept in uk_pacs.
ALTER TABLE port_in ADD COLUMN IF NOT EXISTS pac CHAR(9) NULL AFTER external_reference;
ALTER TABLE port_in MODIFY account_type ENUM('Prepaid','Postpaid') NULL;

CREATE TABLE IF NOT EXISTS uk_port_in (
  port_in_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  subscription_number INT UNSIGNED NOT NULL,
  pac CHAR(9) NOT NULL,
  number VARCHAR(25) NOT NULL,
  requested_date DATE NOT NULL,
  port_date DATE NOT NULL,
  pac_issued DATE NOT NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY ix_uk_port_in_pac (pac, number),
  CONSTRAINT fk_uk_port_in_port FOREIGN KEY (port_in_id) REFERENCES port_in (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS uk_pacs (
  pac CHAR(9) NOT NULL PRIMARY KEY,
  number BIGINT UNSIGNED NOT NULL,
  subscription_number INT UNSIGNED NOT NULL,
  external_reference VARCHAR(69) NULL,
  issue_date DATE NOT NULL,
  expiry_date DATE NOT NULL,
  xml_message_id BIGINT UNSIGNED NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY ix_uk_pacs_number (number),
  CONSTRAINT fk_uk_pacs_xml FOREIGN KEY (xml_message_id) REFERENCES xml_messages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
