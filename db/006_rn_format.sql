-- SPDX-License-Identifier: GPL-3.0-or-later
-- How an operator's routing number is written in NAPTR answers. 'global' is the RFC 4694
-- global-rn ("rn=+" and the digits, country code first), the default; 'bare' writes the
-- digits without '+' for networks that still expect the older form. Re-runnable.
ALTER TABLE operators ADD COLUMN IF NOT EXISTS
  rn_format ENUM('global','bare') NOT NULL DEFAULT 'global' AFTER naptr_form;
