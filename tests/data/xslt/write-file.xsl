<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: GPL-3.0-or-later
     Test only: a hostile stylesheet that tries to write the file named by parameter path
     (EXSLT exsl:document). npg_xslt_apply must refuse and leave no file. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:exsl="http://exslt.org/common" extension-element-prefixes="exsl">
  <xsl:param name="path"/>
  <xsl:output method="text"/>
  <xsl:template match="/">
    <exsl:document href="{$path}" method="text">written</exsl:document>
    <xsl:text>done</xsl:text>
  </xsl:template>
</xsl:stylesheet>
