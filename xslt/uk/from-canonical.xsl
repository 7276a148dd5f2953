<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: GPL-3.0-or-later
     Canonical np:message -> the UK platform's request element alone (wsdl/uk-mnp.xsd),
     ready for the generated strict reader. What npgwd sends for a UK port:
       porting_request -> ukm:ClosePAC   (the PAC is used up; the port is booked)
       abort           -> ukm:CancelPort (cancelled before the cut-off)
       instruction     -> ukm:ConfirmPort (the cut-off passed: the port goes ahead)
     A UK port's port_time is noon UK time on its port date, so its UTC date is the port date.
     The number is the first range's start (a UK port carries one number). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:ukm="urn:npgw:uk:mnp:1"
    xmlns:np="urn:npgw:canonical:1"
    exclude-result-prefixes="np">
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>
  <xsl:strip-space elements="*"/>

  <xsl:template match="/">
    <xsl:if test="not(np:message[@clearinghouse = 'uk'])">
      <xsl:message terminate="yes">uk: the input is not an np:message of clearinghouse uk</xsl:message>
    </xsl:if>
    <xsl:apply-templates select="np:message"/>
  </xsl:template>

  <xsl:template match="np:message">
    <xsl:message terminate="yes">uk: no UK platform element for type '<xsl:value-of
      select="np:type"/>'</xsl:message>
  </xsl:template>

  <xsl:template match="np:message[np:type = 'porting_request']">
    <ukm:ClosePAC>
      <xsl:call-template name="port"/>
      <ukm:PortDate><xsl:value-of select="substring(np:port_time, 1, 10)"/></ukm:PortDate>
      <ukm:RecipientOperator><xsl:value-of select="np:recipient"/></ukm:RecipientOperator>
    </ukm:ClosePAC>
  </xsl:template>
  <xsl:template match="np:message[np:type = 'abort']">
    <ukm:CancelPort><xsl:call-template name="port"/></ukm:CancelPort>
  </xsl:template>
  <xsl:template match="np:message[np:type = 'instruction']">
    <ukm:ConfirmPort>
      <xsl:call-template name="port"/>
      <ukm:PortDate><xsl:value-of select="substring(np:port_time, 1, 10)"/></ukm:PortDate>
    </ukm:ConfirmPort>
  </xsl:template>

  <xsl:template name="port">
    <ukm:MessageId><xsl:value-of select="np:message_id"/></ukm:MessageId>
    <ukm:PACCode><xsl:value-of select="np:pac"/></ukm:PACCode>
    <ukm:Number>
      <xsl:value-of select="(np:ranges/np:range/@start | np:number)[1]"/>
    </ukm:Number>
  </xsl:template>
</xsl:stylesheet>
