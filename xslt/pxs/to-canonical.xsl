<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: GPL-3.0-or-later
     PortingXS wire XML -> canonical np:message (xslt/canonical.xsd).
     Input: a whole SOAP 1.1 envelope carrying one PortingXS body element, or
     that body element alone. Output: np:message, children in schema order.
     Parameters (plain strings):
       direction      "in" (from the clearinghouse, default) or "out" (sent by us)
       message_id, msgidentifier, timestamp
                      used only for NumberInformation, which has no Header: the
                      caller passes the values of the request it answers.
     Timestamps are normalised to UTC with a trailing Z (EXSLT dates). A value
     that cannot be mapped is copied unchanged so that npg_canon_parse names
     the field that is wrong. Unknown input stops the transform. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:pxs="urn:npgw:portingxs:1"
    xmlns:np="urn:npgw:canonical:1"
    xmlns:date="http://exslt.org/dates-and-times"
    exclude-result-prefixes="soap pxs date">
  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>
  <xsl:strip-space elements="*"/>

  <xsl:param name="direction" select="'in'"/>
  <xsl:param name="message_id" select="''"/>
  <xsl:param name="msgidentifier" select="''"/>
  <xsl:param name="timestamp" select="''"/>

  <xsl:template match="/">
    <xsl:variable name="body" select="/soap:Envelope/soap:Body/*[1] | /pxs:*"/>
    <xsl:choose>
      <xsl:when test="count($body) != 1">
        <xsl:message terminate="yes">pxs: no SOAP 1.1 body element found</xsl:message>
      </xsl:when>
      <xsl:when test="$body/self::soap:Fault">
        <xsl:message terminate="yes">pxs: the envelope carries a SOAP fault</xsl:message>
      </xsl:when>
      <xsl:otherwise>
        <xsl:apply-templates select="$body" mode="message"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- element name -> canonical type -->
  <xsl:template match="pxs:PortingRequest" mode="type">porting_request</xsl:template>
  <xsl:template match="pxs:InstructionRequest" mode="type">instruction</xsl:template>
  <xsl:template match="pxs:AbortRequest" mode="type">abort</xsl:template>
  <xsl:template match="pxs:AuthorisationAnswer" mode="type">authorisation_answer</xsl:template>
  <xsl:template match="pxs:TerminationRequest" mode="type">termination</xsl:template>
  <xsl:template match="pxs:NumberInformationRequest" mode="type">number_information_request</xsl:template>
  <xsl:template match="pxs:NumberInformation" mode="type">number_information</xsl:template>
  <xsl:template match="pxs:AuthorisationRequest" mode="type">authorisation_request</xsl:template>
  <xsl:template match="pxs:AuthorisationResponse" mode="type">authorisation_response</xsl:template>
  <xsl:template match="pxs:InstructionResponse" mode="type">instruction_response</xsl:template>
  <xsl:template match="pxs:Ported" mode="type">ported</xsl:template>
  <xsl:template match="pxs:TimedOut" mode="type">timedout</xsl:template>
  <xsl:template match="pxs:Terminated" mode="type">terminated</xsl:template>

  <xsl:template match="*" mode="message">
    <xsl:variable name="type"><xsl:apply-templates select="." mode="type"/></xsl:variable>
    <xsl:if test="$type = ''">
      <xsl:message terminate="yes">pxs: unknown message element {<xsl:value-of
        select="namespace-uri()"/>}<xsl:value-of select="local-name()"/></xsl:message>
    </xsl:if>
    <np:message direction="{$direction}" clearinghouse="pxs">
      <np:type><xsl:value-of select="$type"/></np:type>
      <xsl:choose>
        <xsl:when test="pxs:Header">
          <xsl:apply-templates select="pxs:Header/pxs:MessageId"/>
          <xsl:apply-templates select="pxs:Header/pxs:MessageIdentifier"/>
          <xsl:apply-templates select="pxs:Header/pxs:Timestamp"/>
          <xsl:apply-templates select="pxs:Header/pxs:SenderOperator"/>
          <xsl:apply-templates select="pxs:Header/pxs:ReceiverOperator"/>
        </xsl:when>
        <xsl:otherwise>
          <np:message_id><xsl:value-of select="$message_id"/></np:message_id>
          <np:msgidentifier><xsl:value-of select="$msgidentifier"/></np:msgidentifier>
          <np:timestamp><xsl:value-of select="$timestamp"/></np:timestamp>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:apply-templates select="pxs:DonorOperator"/>
      <xsl:apply-templates select="pxs:RecipientOperator"/>
      <xsl:apply-templates select="pxs:AccountType"/>
      <xsl:apply-templates select="pxs:NumberType"/>
      <xsl:apply-templates select="pxs:ContactNumber"/>
      <xsl:apply-templates select="pxs:Email"/>
      <xsl:apply-templates select="pxs:OverrideCoolOff"/>
      <xsl:apply-templates select="pxs:NumberRanges"/>
      <xsl:apply-templates select="pxs:Decision"/>
      <xsl:apply-templates select="pxs:RejectCode"/>
      <xsl:apply-templates select="pxs:Reason"/>
      <xsl:apply-templates select="pxs:PortTime"/>
      <xsl:apply-templates select="pxs:Number"/>
      <xsl:apply-templates select="pxs:CurrentOperator"/>
      <xsl:apply-templates select="pxs:OriginalOperator"/>
      <xsl:apply-templates select="pxs:Ported"/>
      <xsl:apply-templates select="pxs:LastPortTime"/>
    </np:message>
  </xsl:template>

  <!-- one template per wire field -->
  <xsl:template match="pxs:MessageId"><np:message_id><xsl:value-of select="normalize-space()"/></np:message_id></xsl:template>
  <xsl:template match="pxs:MessageIdentifier"><np:msgidentifier><xsl:value-of select="normalize-space()"/></np:msgidentifier></xsl:template>
  <xsl:template match="pxs:Timestamp"><np:timestamp><xsl:call-template name="utc"/></np:timestamp></xsl:template>
  <xsl:template match="pxs:SenderOperator"><np:sender><xsl:value-of select="normalize-space()"/></np:sender></xsl:template>
  <xsl:template match="pxs:ReceiverOperator"><np:receiver><xsl:value-of select="normalize-space()"/></np:receiver></xsl:template>
  <xsl:template match="pxs:DonorOperator"><np:donor><xsl:value-of select="normalize-space()"/></np:donor></xsl:template>
  <xsl:template match="pxs:RecipientOperator"><np:recipient><xsl:value-of select="normalize-space()"/></np:recipient></xsl:template>
  <xsl:template match="pxs:AccountType"><np:account_type><xsl:value-of select="normalize-space()"/></np:account_type></xsl:template>
  <xsl:template match="pxs:NumberType"><np:number_type><xsl:value-of select="normalize-space()"/></np:number_type></xsl:template>
  <xsl:template match="pxs:ContactNumber"><np:contact_number><xsl:value-of select="normalize-space()"/></np:contact_number></xsl:template>
  <xsl:template match="pxs:Email"><np:email><xsl:value-of select="normalize-space()"/></np:email></xsl:template>
  <xsl:template match="pxs:OverrideCoolOff"><np:override_cooloff><xsl:call-template name="boolean"/></np:override_cooloff></xsl:template>
  <xsl:template match="pxs:NumberRanges">
    <np:ranges>
      <xsl:for-each select="pxs:NumberRange">
        <np:range start="{normalize-space(pxs:Start)}" end="{normalize-space(pxs:End)}"/>
      </xsl:for-each>
    </np:ranges>
  </xsl:template>
  <xsl:template match="pxs:Decision">
    <xsl:variable name="v" select="normalize-space()"/>
    <np:decision>
      <xsl:choose>
        <xsl:when test="$v = 'Accept'">accept</xsl:when>
        <xsl:when test="$v = 'Reject'">reject</xsl:when>
        <xsl:otherwise><xsl:value-of select="$v"/></xsl:otherwise>
      </xsl:choose>
    </np:decision>
  </xsl:template>
  <xsl:template match="pxs:RejectCode"><np:reject_code><xsl:value-of select="normalize-space()"/></np:reject_code></xsl:template>
  <xsl:template match="pxs:Reason"><np:reason><xsl:value-of select="."/></np:reason></xsl:template>
  <xsl:template match="pxs:PortTime"><np:port_time><xsl:call-template name="utc"/></np:port_time></xsl:template>
  <xsl:template match="pxs:Number"><np:number><xsl:value-of select="normalize-space()"/></np:number></xsl:template>
  <xsl:template match="pxs:CurrentOperator"><np:current_operator><xsl:value-of select="normalize-space()"/></np:current_operator></xsl:template>
  <xsl:template match="pxs:OriginalOperator"><np:original_operator><xsl:value-of select="normalize-space()"/></np:original_operator></xsl:template>
  <xsl:template match="pxs:Ported"><np:ported><xsl:call-template name="boolean"/></np:ported></xsl:template>
  <xsl:template match="pxs:LastPortTime"><np:last_port_time><xsl:call-template name="utc"/></np:last_port_time></xsl:template>

  <!-- xs:boolean (true, false, 1, 0) -> true|false -->
  <xsl:template name="boolean">
    <xsl:variable name="v" select="normalize-space()"/>
    <xsl:choose>
      <xsl:when test="$v = 'true' or $v = '1'">true</xsl:when>
      <xsl:when test="$v = 'false' or $v = '0'">false</xsl:when>
      <xsl:otherwise><xsl:value-of select="$v"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- xs:dateTime with any offset (or none: taken as UTC) -> whole seconds UTC with Z -->
  <xsl:template name="utc">
    <xsl:variable name="v" select="normalize-space()"/>
    <xsl:variable name="s" select="floor(date:seconds($v))"/>
    <xsl:choose>
      <xsl:when test="contains($v, 'T') and $s = $s and $s &gt;= 0">
        <xsl:value-of select="date:add('1970-01-01T00:00:00Z', concat('PT', $s, 'S'))"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$v"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- anything else in the body is ignored -->
  <xsl:template match="text()"/>
</xsl:stylesheet>
