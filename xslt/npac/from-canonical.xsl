<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: GPL-3.0-or-later
     Canonical np:message -> the NPAC request element alone (wsdl/npac/npac.xsd), ready for the
     generated strict reader. What npgwd asks of the NPAC as an SOA:
       porting_request              SvCreateRequest (we are the new SP)
       instruction                  SvActivateRequest
       abort                        SvCancelRequest
       authorisation_answer accept  SvReleaseRequest (we are the old SP and concur)
       authorisation_answer reject  SvReleaseInConflictRequest (cause: 53 for code 31, number
                                    not active, a vacant number; 54 general conflict otherwise)
       conflict_resolve             SvRemoveFromConflictRequest
       cancel_ack                   SvCancelAckRequest
       termination                  SvDisconnectRequest (port_time: the effective release date)
     Parameters: spid (ours), lrn (our 10-digit LRN), due (the due date when the message has
     none: one business day on), now (for an immediate disconnect). TNs are the ranges' or the
     number's 10 local digits; the version is named by ch_ref when the message has it. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:npac="urn:npgw:npac:1"
    xmlns:np="urn:npgw:canonical:1"
    exclude-result-prefixes="np">
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>
  <xsl:strip-space elements="*"/>

  <xsl:param name="spid" select="''"/>
  <xsl:param name="lrn" select="''"/>
  <xsl:param name="due" select="''"/>
  <xsl:param name="now" select="''"/>

  <xsl:template match="/">
    <xsl:if test="not(np:message[@clearinghouse = 'npac'])">
      <xsl:message terminate="yes">npac: the input is not an np:message of clearinghouse npac</xsl:message>
    </xsl:if>
    <xsl:apply-templates select="np:message"/>
  </xsl:template>

  <xsl:template match="np:message">
    <xsl:message terminate="yes">npac: no NPAC request for type '<xsl:value-of select="np:type"/>'</xsl:message>
  </xsl:template>

  <xsl:template name="id"><npac:MessageId><xsl:value-of select="np:message_id"/></npac:MessageId></xsl:template>
  <!-- the version by id when we know it, and its (first) TN -->
  <xsl:template name="sv">
    <xsl:if test="np:ch_ref"><npac:SvId><xsl:value-of select="np:ch_ref"/></npac:SvId></xsl:if>
    <npac:TnStart><xsl:value-of select="(np:ranges/np:range/@start | np:number)[1]"/></npac:TnStart>
  </xsl:template>

  <xsl:template match="np:message[np:type = 'porting_request']">
    <npac:SvCreateRequest>
      <xsl:call-template name="id"/>
      <npac:NewSpid><xsl:value-of select="np:recipient"/></npac:NewSpid>
      <npac:OldSpid><xsl:value-of select="np:donor"/></npac:OldSpid>
      <npac:TnStart><xsl:value-of select="np:ranges/np:range[1]/@start"/></npac:TnStart>
      <npac:TnEnd><xsl:value-of select="np:ranges/np:range[1]/@end"/></npac:TnEnd>
      <npac:Lrn><xsl:value-of select="$lrn"/></npac:Lrn>
      <npac:DueDate>
        <xsl:choose>
          <xsl:when test="np:port_time"><xsl:value-of select="np:port_time"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$due"/></xsl:otherwise>
        </xsl:choose>
      </npac:DueDate>
      <npac:SvType>
        <xsl:choose>
          <xsl:when test="np:number_type = 'mobile'">wireless</xsl:when>
          <xsl:otherwise>wireline</xsl:otherwise>
        </xsl:choose>
      </npac:SvType>
    </npac:SvCreateRequest>
  </xsl:template>

  <xsl:template match="np:message[np:type = 'instruction']">
    <npac:SvActivateRequest>
      <xsl:call-template name="id"/>
      <npac:NewSpid><xsl:value-of select="$spid"/></npac:NewSpid>
      <xsl:call-template name="sv"/>
    </npac:SvActivateRequest>
  </xsl:template>

  <xsl:template match="np:message[np:type = 'abort']">
    <npac:SvCancelRequest>
      <xsl:call-template name="id"/>
      <npac:Spid><xsl:value-of select="$spid"/></npac:Spid>
      <xsl:call-template name="sv"/>
      <xsl:if test="np:reason"><npac:Reason><xsl:value-of select="np:reason"/></npac:Reason></xsl:if>
    </npac:SvCancelRequest>
  </xsl:template>

  <xsl:template match="np:message[np:type = 'authorisation_answer' and np:decision = 'accept']">
    <npac:SvReleaseRequest>
      <xsl:call-template name="id"/>
      <npac:OldSpid><xsl:value-of select="$spid"/></npac:OldSpid>
      <xsl:call-template name="sv"/>
    </npac:SvReleaseRequest>
  </xsl:template>

  <xsl:template match="np:message[np:type = 'authorisation_answer' and np:decision = 'reject']">
    <npac:SvReleaseInConflictRequest>
      <xsl:call-template name="id"/>
      <npac:OldSpid><xsl:value-of select="$spid"/></npac:OldSpid>
      <xsl:call-template name="sv"/>
      <npac:CauseCode>
        <xsl:choose>
          <xsl:when test="np:reject_code = '31'">53</xsl:when>
          <xsl:otherwise>54</xsl:otherwise>
        </xsl:choose>
      </npac:CauseCode>
    </npac:SvReleaseInConflictRequest>
  </xsl:template>

  <xsl:template match="np:message[np:type = 'conflict_resolve']">
    <npac:SvRemoveFromConflictRequest>
      <xsl:call-template name="id"/>
      <npac:Spid><xsl:value-of select="$spid"/></npac:Spid>
      <xsl:call-template name="sv"/>
    </npac:SvRemoveFromConflictRequest>
  </xsl:template>

  <xsl:template match="np:message[np:type = 'cancel_ack']">
    <npac:SvCancelAckRequest>
      <xsl:call-template name="id"/>
      <npac:Spid><xsl:value-of select="$spid"/></npac:Spid>
      <xsl:call-template name="sv"/>
    </npac:SvCancelAckRequest>
  </xsl:template>

  <xsl:template match="np:message[np:type = 'termination']">
    <npac:SvDisconnectRequest>
      <xsl:call-template name="id"/>
      <npac:Spid><xsl:value-of select="$spid"/></npac:Spid>
      <npac:TnStart><xsl:value-of select="np:number"/></npac:TnStart>
      <npac:EffectiveReleaseDate>
        <xsl:choose>
          <xsl:when test="np:port_time"><xsl:value-of select="np:port_time"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$now"/></xsl:otherwise>
        </xsl:choose>
      </npac:EffectiveReleaseDate>
    </npac:SvDisconnectRequest>
  </xsl:template>
</xsl:stylesheet>
