-- SPDX-License-Identifier: GPL-3.0-or-later
-- Which port-outs overlap a span, without reading every range that starts below it: a
-- range's span class (the bit length of end - start) bounds how far below the span its start
-- can lie, so one index probe per class finds every candidate (src/porting/portout.c).
-- Signed: an unsigned difference depends on sql_mode, which a generated column may not.
ALTER TABLE port_out_ranges ADD COLUMN IF NOT EXISTS span_class TINYINT UNSIGNED
  AS (CEIL(LOG2(CAST(range_end AS SIGNED) - CAST(range_start AS SIGNED) + 1))) PERSISTENT;
CREATE INDEX IF NOT EXISTS ix_port_out_ranges_class ON port_out_ranges (span_class, range_start);
