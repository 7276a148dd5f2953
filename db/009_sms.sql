-- SPDX-License-Identifier: GPL-3.0-or-later
-- Test SMS sent through the CPaaS providers (/np_api/validate/sms_validate) and other SMS npgw
-- sends (npg_sms_send), with what each provider answered and, later, its delivery receipt.

CREATE TABLE IF NOT EXISTS sms_messages (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  -- ours, shown as x-transaction-id: give it to the provider when escalating
  transaction_id CHAR(32) NOT NULL,
  kind ENUM('validation','send') NOT NULL DEFAULT 'validation',
  requested_by VARCHAR(64) NOT NULL,
  number VARCHAR(16) NOT NULL,              -- E.164 digits, no '+'
  provider VARCHAR(16) NOT NULL,            -- Twilio, Vonage, ..., Enet, GTT, Digicel
  body VARCHAR(160) NOT NULL,
  result ENUM('Pending','Sent','Error') NOT NULL DEFAULT 'Pending', -- accepted by the provider?
  error_code VARCHAR(32) NULL,              -- auth, invalid_number, rate_limited, timeout, ...
  error_text VARCHAR(512) NULL,
  http_status SMALLINT NULL,                -- REST: the HTTP status; SMPP: the command_status
  message_id VARCHAR(128) NULL,             -- the provider's id (x-message-id)
  submitted_at DATETIME(3) NOT NULL,        -- x-message-timestamp
  elapsed_ms INT UNSIGNED NOT NULL DEFAULT 0,
  provider_response TEXT NULL,              -- what the provider answered, credentials removed
  -- receipts: the secret the provider's status callback URL carries (never shown)
  receipt_token CHAR(32) NOT NULL,
  delivery ENUM('unknown','delivered','failed') NOT NULL DEFAULT 'unknown',
  receipt_status VARCHAR(64) NULL,          -- the provider's last status word (sent, DELIVRD)
  receipt_error VARCHAR(128) NULL,
  receipt_at DATETIME(3) NULL,              -- when the last receipt arrived
  receipts INT UNSIGNED NOT NULL DEFAULT 0, -- how many arrived
  delivery_ms INT UNSIGNED NULL,            -- submission to the final receipt
  UNIQUE KEY sms_transaction (transaction_id),
  UNIQUE KEY sms_receipt_token (receipt_token),
  KEY sms_provider_msg (provider, message_id),
  KEY sms_number (number, id),
  KEY sms_kind (kind, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
