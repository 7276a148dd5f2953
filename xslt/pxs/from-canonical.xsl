<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: GPL-3.0-or-later
     Canonical np:message (xslt/canonical.xsd) -> the PortingXS body element
     alone, qualified and ordered exactly as wsdl/portingxs.xsd says, ready for
     the generated soap_read__pxs__<Element>. Optional elements that the
     canonical message lacks are omitted. The canonical message is expected to
     have passed npg_canon_parse, which checks the fields each type requires;
     an unknown type stops the transform. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:pxs="urn:npgw:portingxs:1"
    xmlns:np="urn:npgw:canonical:1"
    exclude-result-prefixes="np">
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>
  <xsl:strip-space elements="*"/>

  <xsl:template match="/">
    <xsl:if test="not(np:message)">
      <xsl:message terminate="yes">pxs: the input is not an np:message</xsl:message>
    </xsl:if>
    <xsl:apply-templates select="np:message"/>
  </xsl:template>

  <xsl:template match="np:message">
    <xsl:message terminate="yes">pxs: no PortingXS element for type '<xsl:value-of
      select="np:type"/>'</xsl:message>
  </xsl:template>

  <!-- one template per type: the wire element and its children in XSD order -->
  <xsl:template match="np:message[np:type = 'porting_request']">
    <pxs:PortingRequest>
      <xsl:call-template name="header"/>
      <xsl:apply-templates select="np:donor"/>
      <xsl:apply-templates select="np:recipient"/>
      <xsl:apply-templates select="np:account_type"/>
      <xsl:apply-templates select="np:number_type"/>
      <xsl:apply-templates select="np:contact_number"/>
      <xsl:apply-templates select="np:email"/>
      <xsl:apply-templates select="np:override_cooloff"/>
      <xsl:apply-templates select="np:ranges"/>
    </pxs:PortingRequest>
  </xsl:template>
  <xsl:template match="np:message[np:type = 'instruction']">
    <pxs:InstructionRequest><xsl:call-template name="header"/></pxs:InstructionRequest>
  </xsl:template>
  <xsl:template match="np:message[np:type = 'abort']">
    <pxs:AbortRequest>
      <xsl:call-template name="header"/>
      <xsl:apply-templates select="np:reason"/>
    </pxs:AbortRequest>
  </xsl:template>
  <xsl:template match="np:message[np:type = 'authorisation_answer']">
    <pxs:AuthorisationAnswer><xsl:call-template name="answer"/></pxs:AuthorisationAnswer>
  </xsl:template>
  <xsl:template match="np:message[np:type = 'termination']">
    <pxs:TerminationRequest>
      <xsl:call-template name="header"/>
      <xsl:apply-templates select="np:number"/>
      <xsl:apply-templates select="np:number_type"/>
    </pxs:TerminationRequest>
  </xsl:template>
  <xsl:template match="np:message[np:type = 'number_information_request']">
    <pxs:NumberInformationRequest>
      <xsl:call-template name="header"/>
      <xsl:apply-templates select="np:number"/>
    </pxs:NumberInformationRequest>
  </xsl:template>
  <xsl:template match="np:message[np:type = 'number_information']">
    <pxs:NumberInformation>
      <xsl:apply-templates select="np:number"/>
      <xsl:apply-templates select="np:current_operator"/>
      <xsl:apply-templates select="np:original_operator"/>
      <xsl:apply-templates select="np:number_type"/>
      <xsl:apply-templates select="np:ported"/>
      <xsl:apply-templates select="np:last_port_time"/>
    </pxs:NumberInformation>
  </xsl:template>
  <xsl:template match="np:message[np:type = 'authorisation_request']">
    <pxs:AuthorisationRequest>
      <xsl:call-template name="header"/>
      <xsl:apply-templates select="np:recipient"/>
      <xsl:apply-templates select="np:donor"/>
      <xsl:apply-templates select="np:account_type"/>
      <xsl:apply-templates select="np:number_type"/>
      <xsl:apply-templates select="np:ranges"/>
      <xsl:apply-templates select="np:port_time"/>
    </pxs:AuthorisationRequest>
  </xsl:template>
  <xsl:template match="np:message[np:type = 'authorisation_response']">
    <pxs:AuthorisationResponse><xsl:call-template name="answer"/></pxs:AuthorisationResponse>
  </xsl:template>
  <xsl:template match="np:message[np:type = 'instruction_response']">
    <pxs:InstructionResponse>
      <xsl:call-template name="header"/>
      <xsl:apply-templates select="np:port_time"/>
    </pxs:InstructionResponse>
  </xsl:template>
  <xsl:template match="np:message[np:type = 'ported']">
    <pxs:Ported>
      <xsl:call-template name="header"/>
      <xsl:apply-templates select="np:recipient"/>
      <xsl:apply-templates select="np:port_time"/>
    </pxs:Ported>
  </xsl:template>
  <xsl:template match="np:message[np:type = 'timedout']">
    <pxs:TimedOut>
      <xsl:call-template name="header"/>
      <xsl:apply-templates select="np:reason"/>
    </pxs:TimedOut>
  </xsl:template>
  <xsl:template match="np:message[np:type = 'terminated']">
    <pxs:Terminated>
      <xsl:call-template name="header"/>
      <xsl:apply-templates select="np:number"/>
      <xsl:apply-templates select="np:number_type"/>
    </pxs:Terminated>
  </xsl:template>

  <!-- shared parts -->
  <xsl:template name="header">
    <pxs:Header>
      <pxs:MessageId><xsl:value-of select="np:message_id"/></pxs:MessageId>
      <pxs:MessageIdentifier><xsl:value-of select="np:msgidentifier"/></pxs:MessageIdentifier>
      <pxs:Timestamp><xsl:value-of select="np:timestamp"/></pxs:Timestamp>
      <pxs:SenderOperator><xsl:value-of select="np:sender"/></pxs:SenderOperator>
      <pxs:ReceiverOperator><xsl:value-of select="np:receiver"/></pxs:ReceiverOperator>
    </pxs:Header>
  </xsl:template>
  <xsl:template name="answer">
    <xsl:call-template name="header"/>
    <xsl:apply-templates select="np:decision"/>
    <xsl:apply-templates select="np:reject_code"/>
    <xsl:apply-templates select="np:reason"/>
  </xsl:template>

  <!-- one template per canonical field -->
  <xsl:template match="np:donor"><pxs:DonorOperator><xsl:value-of select="."/></pxs:DonorOperator></xsl:template>
  <xsl:template match="np:recipient"><pxs:RecipientOperator><xsl:value-of select="."/></pxs:RecipientOperator></xsl:template>
  <xsl:template match="np:account_type"><pxs:AccountType><xsl:value-of select="."/></pxs:AccountType></xsl:template>
  <xsl:template match="np:number_type"><pxs:NumberType><xsl:value-of select="."/></pxs:NumberType></xsl:template>
  <xsl:template match="np:contact_number"><pxs:ContactNumber><xsl:value-of select="."/></pxs:ContactNumber></xsl:template>
  <xsl:template match="np:email"><pxs:Email><xsl:value-of select="."/></pxs:Email></xsl:template>
  <xsl:template match="np:override_cooloff"><pxs:OverrideCoolOff><xsl:value-of select="."/></pxs:OverrideCoolOff></xsl:template>
  <xsl:template match="np:ranges">
    <pxs:NumberRanges>
      <xsl:for-each select="np:range">
        <pxs:NumberRange><pxs:Start><xsl:value-of select="@start"/></pxs:Start><pxs:End><xsl:value-of select="@end"/></pxs:End></pxs:NumberRange>
      </xsl:for-each>
    </pxs:NumberRanges>
  </xsl:template>
  <xsl:template match="np:decision">
    <pxs:Decision>
      <xsl:choose>
        <xsl:when test=". = 'accept'">Accept</xsl:when>
        <xsl:when test=". = 'reject'">Reject</xsl:when>
        <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
      </xsl:choose>
    </pxs:Decision>
  </xsl:template>
  <xsl:template match="np:reject_code"><pxs:RejectCode><xsl:value-of select="."/></pxs:RejectCode></xsl:template>
  <xsl:template match="np:reason"><pxs:Reason><xsl:value-of select="."/></pxs:Reason></xsl:template>
  <xsl:template match="np:port_time"><pxs:PortTime><xsl:value-of select="."/></pxs:PortTime></xsl:template>
  <xsl:template match="np:number"><pxs:Number><xsl:value-of select="."/></pxs:Number></xsl:template>
  <xsl:template match="np:current_operator"><pxs:CurrentOperator><xsl:value-of select="."/></pxs:CurrentOperator></xsl:template>
  <xsl:template match="np:original_operator"><pxs:OriginalOperator><xsl:value-of select="."/></pxs:OriginalOperator></xsl:template>
  <xsl:template match="np:ported"><pxs:Ported><xsl:value-of select="."/></pxs:Ported></xsl:template>
  <xsl:template match="np:last_port_time"><pxs:LastPortTime><xsl:value-of select="."/></pxs:LastPortTime></xsl:template>
</xsl:stylesheet>
