<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: GPL-3.0-or-later
     Test only: a hostile stylesheet that tries to fetch from the network. npg_xslt_apply must refuse. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:template match="/">leak:<xsl:value-of select="document('http://127.0.0.1:1/')"/></xsl:template>
</xsl:stylesheet>
