<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: GPL-3.0-or-later
     UK platform XML (wsdl/uk-mnp.xsd) -> canonical np:message. Input: a SOAP 1.1 envelope
     or its body element alone.
       ukm:PortCompleted                           -> ported (the number has moved)
       ukm:Acknowledgement, answers='ConfirmPort'  -> instruction_response
     The platform's messages do not name the gateway's port, so the caller passes:
       msgidentifier  the port the PAC and number belong to
       timestamp      when it arrived (UTC, ...Z)
       sender         the platform's operator code; receiver: ours
       answers        the request an Acknowledgement answers
       message_id     for an Acknowledgement: a fresh id (its own echoes our request's) -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:ukm="urn:npgw:uk:mnp:1"
    xmlns:np="urn:npgw:canonical:1"
    exclude-result-prefixes="soap ukm">
  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>
  <xsl:strip-space elements="*"/>

  <xsl:param name="msgidentifier" select="''"/>
  <xsl:param name="timestamp" select="''"/>
  <xsl:param name="sender" select="''"/>
  <xsl:param name="receiver" select="''"/>
  <xsl:param name="answers" select="''"/>
  <xsl:param name="message_id" select="''"/>

  <xsl:template match="/">
    <xsl:variable name="body" select="/soap:Envelope/soap:Body/*[1] | /ukm:*"/>
    <xsl:if test="count($body) != 1 or $body/self::soap:Fault">
      <xsl:message terminate="yes">uk: no UK platform message in the body</xsl:message>
    </xsl:if>
    <xsl:apply-templates select="$body"/>
  </xsl:template>

  <xsl:template match="*">
    <xsl:message terminate="yes">uk: <xsl:value-of select="local-name()"/> has no canonical form</xsl:message>
  </xsl:template>

  <xsl:template name="head">
    <xsl:param name="type"/>
    <xsl:param name="id"/>
    <np:type><xsl:value-of select="$type"/></np:type>
    <np:message_id><xsl:value-of select="$id"/></np:message_id>
    <np:msgidentifier><xsl:value-of select="$msgidentifier"/></np:msgidentifier>
    <np:timestamp><xsl:value-of select="$timestamp"/></np:timestamp>
    <np:sender><xsl:value-of select="$sender"/></np:sender>
    <np:receiver><xsl:value-of select="$receiver"/></np:receiver>
  </xsl:template>

  <xsl:template match="ukm:PortCompleted">
    <np:message direction="in" clearinghouse="uk">
      <xsl:call-template name="head">
        <xsl:with-param name="type">ported</xsl:with-param>
        <xsl:with-param name="id" select="ukm:MessageId"/>
      </xsl:call-template>
      <np:recipient><xsl:value-of select="ukm:RecipientOperator"/></np:recipient>
      <np:port_time><xsl:value-of select="ukm:PortedAt"/></np:port_time>
      <np:number><xsl:value-of select="ukm:Number"/></np:number>
      <np:pac><xsl:value-of select="ukm:PACCode"/></np:pac>
    </np:message>
  </xsl:template>

  <xsl:template match="ukm:Acknowledgement">
    <xsl:if test="$answers != 'ConfirmPort'">
      <xsl:message terminate="yes">uk: an acknowledgement of <xsl:value-of select="$answers"/> has no canonical form</xsl:message>
    </xsl:if>
    <np:message direction="in" clearinghouse="uk">
      <xsl:call-template name="head">
        <xsl:with-param name="type">instruction_response</xsl:with-param>
        <xsl:with-param name="id" select="$message_id"/>
      </xsl:call-template>
    </np:message>
  </xsl:template>
</xsl:stylesheet>
