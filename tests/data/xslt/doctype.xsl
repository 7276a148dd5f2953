<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: GPL-3.0-or-later
     Test only: a stylesheet carrying an external entity; npg_xslt_load must refuse it. -->
<!DOCTYPE xsl:stylesheet [<!ENTITY leak SYSTEM "file:///etc/hostname">]>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/">&leak;</xsl:template>
</xsl:stylesheet>
