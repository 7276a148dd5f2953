-- SPDX-License-Identifier: GPL-3.0-or-later
-- Routing that stays exact across several gateways on a Galera cluster, zone transfers, and
-- reconciliation with the clearinghouse (docs/scale.md).

-- The change log's ids come from this counter, taken inside each changing transaction: they
-- are gap-free and in commit order on one server and on a Galera cluster alike (where
-- AUTO_INCREMENT interleaves per node and transactions commit in any order of their ids).
-- npenumd's SOA serial is the last id it applied, so one serial is one zone version on every
-- instance. ixfr_from: the oldest serial an incremental transfer (IXFR) can start from; the
-- changes before it carry no prev_operator_id.
CREATE TABLE IF NOT EXISTS routing_serial (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  serial BIGINT UNSIGNED NOT NULL,
  ixfr_from BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT IGNORE INTO routing_serial (id, serial, ixfr_from)
  SELECT 1, COALESCE(MAX(id), 0), COALESCE(MAX(id), 0) FROM routing_changes;

-- 'epoch': an operator or a home range changed (number 0): npenumd re-reads them at once and
-- a zone transfer that spans it is a full one. prev_operator_id: the number's routing before
-- the change (NULL: no row), so a transfer can name what a change replaced.
ALTER TABLE routing_changes MODIFY op ENUM('upsert','delete','epoch') NOT NULL;
ALTER TABLE routing_changes ADD COLUMN IF NOT EXISTS prev_operator_id INT UNSIGNED NULL
  AFTER routing_number;

-- Routing corrected by `npgwctl reconcile --fix` after the clearinghouse's view.
ALTER TABLE routing MODIFY source ENUM('port_in','port_out','manual','import','reconcile')
  NOT NULL;
