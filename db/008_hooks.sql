-- SPDX-License-Identifier: GPL-3.0-or-later
-- The carrier's own systems (src/hooks/, docs/integrations.md). Re-runnable.

-- Webhook subscriptions added with npgwctl hook (the one in [webhooks] needs no row).
-- secrets: whsec_ secrets, space separated; every one signs each delivery, so a receiver
-- can move to a new one while the old one is still accepted (rotation).
CREATE TABLE IF NOT EXISTS webhook_subscriptions (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(32) NOT NULL,
  url VARCHAR(1024) NOT NULL,
  secrets VARCHAR(1024) NOT NULL,
  events VARCHAR(1024) NOT NULL DEFAULT '*',
  enabled TINYINT(1) NOT NULL DEFAULT 1,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY uk_webhook_subscriptions_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- What the BSS said about a port-out's eligibility ([bss] mode manual or auto), and whether
-- the undecided-port alarm was raised. One row per port-out the call-out or the alarm saw.
CREATE TABLE IF NOT EXISTS port_out_eligibility (
  port_out_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  mode ENUM('off','manual','auto') NOT NULL,
  status ENUM('asked','eligible','ineligible','no_answer') NULL,
  reject_code SMALLINT NULL,
  reasons VARCHAR(255) NULL,
  detail VARCHAR(1024) NULL,
  asked_at DATETIME(3) NULL,
  answered_at DATETIME(3) NULL,
  alarmed_at DATETIME(3) NULL,
  CONSTRAINT fk_port_out_eligibility_port FOREIGN KEY (port_out_id) REFERENCES port_out (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
