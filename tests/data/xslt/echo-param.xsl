<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: GPL-3.0-or-later
     Test only: writes parameter p back, to show parameters are plain strings, never XPath. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:param name="p" select="'unset'"/>
  <xsl:output method="text"/>
  <xsl:template match="/">[<xsl:value-of select="$p"/>]</xsl:template>
</xsl:stylesheet>
