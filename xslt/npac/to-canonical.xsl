<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: GPL-3.0-or-later
     NPAC XML (wsdl/npac/npac.xsd) -> canonical np:message. Input: a SOAP 1.1 envelope or its
     body element alone: a notification of the NPAC, or its SvReply to one of our requests.
     The NPAC names subscription versions, not our ports, and one notification means different
     things to the new SP (our port-in) and the old SP (our port-out), so the caller (decode,
     src/adapters/npac/notify.c) finds the port and passes:
       msgidentifier  the port the version belongs to (a new one for a new port-out)
       role           in: we are the new SP; out: the old SP; none: a disconnect broadcast
       reopen         1: a final port-out's version is pending again (lifted from conflict):
                      a new request to answer
       number_type    for reopen: the port-out's number type
       cc             the country code the 10-digit TNs and LRNs get (1)
       sender         the NPAC's code; receiver: ours (our SPID)
     and for an SvReply: answers (the request's operation), message_id (a fresh one),
     timestamp (now, when the reply has no CreatedAt).
     SV status to canonical type, by role:
       in:  pending with OldSpAuthorization true  authorisation_response accept
            conflict                              conflict (reject_code = cause code)
            cancel-pending initiated by the old SP cancelled
            active, partial-failure               ported (routing_number = cc + LRN)
            failed                                port_failed
            anything else                         status
       out: pending, reopen                       authorisation_request (a new one)
            cancel-pending initiated by the new SP cancelled
            active, partial-failure               ported
            anything else                         status
       SvNewSpCreateNotification                  authorisation_request
       SvConcurrenceWindowNotification           initial: status; final: authorisation_lapsed
       SvDisconnectNotification                  terminated (the TN)
       SvReply to SvActivateRequest               instruction_response; to others: status
     Every message keeps the version's id (ch_ref), status (ch_status) and the notification's
     Sequence (sequence). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:npac="urn:npgw:npac:1"
    xmlns:np="urn:npgw:canonical:1"
    xmlns:date="http://exslt.org/dates-and-times"
    exclude-result-prefixes="soap npac date">
  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>
  <xsl:strip-space elements="*"/>

  <xsl:param name="msgidentifier" select="''"/>
  <xsl:param name="role" select="'in'"/>
  <xsl:param name="reopen" select="''"/>
  <xsl:param name="number_type" select="'fixed'"/>
  <xsl:param name="cc" select="'1'"/>
  <xsl:param name="sender" select="'NPAC'"/>
  <xsl:param name="receiver" select="''"/>
  <xsl:param name="answers" select="''"/>
  <xsl:param name="message_id" select="''"/>
  <xsl:param name="timestamp" select="''"/>

  <xsl:template match="/">
    <xsl:variable name="body" select="/soap:Envelope/soap:Body/*[1] | /npac:*"/>
    <xsl:if test="count($body) != 1 or $body/self::soap:Fault">
      <xsl:message terminate="yes">npac: no NPAC message in the body</xsl:message>
    </xsl:if>
    <xsl:apply-templates select="$body"/>
  </xsl:template>

  <xsl:template match="*">
    <xsl:message terminate="yes">npac: <xsl:value-of select="local-name()"/> has no canonical form</xsl:message>
  </xsl:template>

  <!-- the head every message has -->
  <xsl:template name="head">
    <xsl:param name="type"/>
    <xsl:param name="id" select="npac:MessageId"/>
    <xsl:param name="when"/>
    <np:type><xsl:value-of select="$type"/></np:type>
    <np:message_id><xsl:value-of select="$id"/></np:message_id>
    <np:msgidentifier><xsl:value-of select="$msgidentifier"/></np:msgidentifier>
    <np:timestamp><xsl:value-of select="$when"/></np:timestamp>
    <np:sender><xsl:value-of select="$sender"/></np:sender>
    <np:receiver><xsl:value-of select="$receiver"/></np:receiver>
  </xsl:template>

  <!-- the version's tail: id, status, routing number, place in the stream -->
  <xsl:template name="tail">
    <xsl:param name="status" select="npac:Status"/>
    <xsl:if test="npac:SvId"><np:ch_ref><xsl:value-of select="npac:SvId"/></np:ch_ref></xsl:if>
    <xsl:if test="string($status) != ''"><np:ch_status><xsl:value-of select="$status"/></np:ch_status></xsl:if>
    <xsl:if test="npac:Lrn"><np:routing_number><xsl:value-of select="concat($cc, npac:Lrn)"/></np:routing_number></xsl:if>
    <xsl:if test="npac:Sequence"><np:sequence><xsl:value-of select="npac:Sequence"/></np:sequence></xsl:if>
  </xsl:template>

  <xsl:template name="ranges">
    <np:ranges><np:range start="{npac:TnStart}" end="{npac:TnEnd}"/></np:ranges>
  </xsl:template>

  <xsl:template match="npac:SvNewSpCreateNotification">
    <np:message direction="in" clearinghouse="npac">
      <xsl:call-template name="head">
        <xsl:with-param name="type">authorisation_request</xsl:with-param>
        <xsl:with-param name="when"><xsl:apply-templates select="npac:CreatedAt" mode="utc"/></xsl:with-param>
      </xsl:call-template>
      <np:donor><xsl:value-of select="npac:OldSpid"/></np:donor>
      <np:recipient><xsl:value-of select="npac:NewSpid"/></np:recipient>
      <np:number_type><xsl:apply-templates select="npac:SvType" mode="number_type"/></np:number_type>
      <xsl:call-template name="ranges"/>
      <np:port_time><xsl:apply-templates select="npac:DueDate" mode="utc"/></np:port_time>
      <xsl:call-template name="tail">
        <xsl:with-param name="status">pending</xsl:with-param>
      </xsl:call-template>
    </np:message>
  </xsl:template>

  <xsl:template match="npac:SvStatusNotification">
    <xsl:variable name="s" select="string(npac:Status)"/>
    <xsl:variable name="theirs" select="npac:Initiator and string(npac:Initiator) != $receiver"/>
    <xsl:variable name="type">
      <xsl:choose>
        <xsl:when test="$s = 'active' or $s = 'partial-failure'">ported</xsl:when>
        <xsl:when test="$s = 'cancel-pending' and $theirs">cancelled</xsl:when>
        <xsl:when test="$role = 'in' and $s = 'pending' and npac:OldSpAuthorization = 'true'">authorisation_response</xsl:when>
        <xsl:when test="$role = 'in' and $s = 'conflict'">conflict</xsl:when>
        <xsl:when test="$role = 'in' and $s = 'failed'">port_failed</xsl:when>
        <xsl:when test="$role = 'out' and $s = 'pending' and $reopen = '1'">authorisation_request</xsl:when>
        <xsl:otherwise>status</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <np:message direction="in" clearinghouse="npac">
      <xsl:call-template name="head">
        <xsl:with-param name="type" select="$type"/>
        <xsl:with-param name="when"><xsl:apply-templates select="npac:StatusAt" mode="utc"/></xsl:with-param>
      </xsl:call-template>
      <xsl:if test="$type = 'authorisation_request'">
        <np:donor><xsl:value-of select="npac:OldSpid"/></np:donor>
      </xsl:if>
      <xsl:if test="$type = 'ported' or $type = 'authorisation_request'">
        <np:recipient><xsl:value-of select="npac:NewSpid"/></np:recipient>
      </xsl:if>
      <xsl:if test="$type = 'authorisation_request'">
        <np:number_type><xsl:value-of select="$number_type"/></np:number_type>
        <xsl:call-template name="ranges"/>
      </xsl:if>
      <xsl:if test="$type = 'authorisation_response'"><np:decision>accept</np:decision></xsl:if>
      <xsl:if test="npac:CauseCode">
        <np:reject_code><xsl:value-of select="npac:CauseCode"/></np:reject_code>
      </xsl:if>
      <xsl:if test="npac:FailedSpid">
        <np:reason>
          <xsl:text>not taken by the local databases of </xsl:text>
          <xsl:for-each select="npac:FailedSpid">
            <xsl:if test="position() &gt; 1">, </xsl:if>
            <xsl:value-of select="."/>
          </xsl:for-each>
        </np:reason>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="$type = 'ported'">
          <np:port_time><xsl:apply-templates select="npac:StatusAt" mode="utc"/></np:port_time>
        </xsl:when>
        <xsl:when test="npac:DueDate and ($s = 'pending' or $s = 'conflict')">
          <!-- the due date, while the port has not happened (later the port time stays) -->
          <np:port_time><xsl:apply-templates select="npac:DueDate" mode="utc"/></np:port_time>
        </xsl:when>
      </xsl:choose>
      <xsl:call-template name="tail"/>
    </np:message>
  </xsl:template>

  <xsl:template match="npac:SvConcurrenceWindowNotification">
    <xsl:variable name="final" select="npac:Window = 'final'"/>
    <np:message direction="in" clearinghouse="npac">
      <xsl:call-template name="head">
        <xsl:with-param name="type">
          <xsl:choose>
            <xsl:when test="$final">authorisation_lapsed</xsl:when>
            <xsl:otherwise>status</xsl:otherwise>
          </xsl:choose>
        </xsl:with-param>
        <xsl:with-param name="when"><xsl:apply-templates select="npac:ExpiredAt" mode="utc"/></xsl:with-param>
      </xsl:call-template>
      <np:reason>
        <xsl:choose>
          <xsl:when test="$final">final concurrence window (T2) expired: the new SP may activate without our concurrence</xsl:when>
          <xsl:otherwise>initial concurrence window (T1) expired: the NPAC asks for our concurrence; the final window (T2) runs</xsl:otherwise>
        </xsl:choose>
      </np:reason>
      <xsl:call-template name="tail">
        <xsl:with-param name="status">pending</xsl:with-param>
      </xsl:call-template>
    </np:message>
  </xsl:template>

  <xsl:template match="npac:SvDisconnectNotification">
    <np:message direction="in" clearinghouse="npac">
      <xsl:call-template name="head">
        <xsl:with-param name="type">terminated</xsl:with-param>
        <xsl:with-param name="when"><xsl:apply-templates select="npac:EffectiveReleaseDate" mode="utc"/></xsl:with-param>
      </xsl:call-template>
      <np:reason>disconnected: back to its block holder <xsl:value-of select="npac:BlockHolderSpid"/></np:reason>
      <np:port_time><xsl:apply-templates select="npac:EffectiveReleaseDate" mode="utc"/></np:port_time>
      <np:number><xsl:value-of select="npac:Tn"/></np:number>
      <xsl:call-template name="tail">
        <xsl:with-param name="status">old</xsl:with-param>
      </xsl:call-template>
    </np:message>
  </xsl:template>

  <!-- the NPAC's synchronous answer to one of our requests (a success: failures never get here) -->
  <xsl:template match="npac:SvReply">
    <np:message direction="in" clearinghouse="npac">
      <xsl:call-template name="head">
        <xsl:with-param name="type">
          <xsl:choose>
            <xsl:when test="$answers = 'SvActivateRequest'">instruction_response</xsl:when>
            <xsl:otherwise>status</xsl:otherwise>
          </xsl:choose>
        </xsl:with-param>
        <xsl:with-param name="id" select="$message_id"/>
        <xsl:with-param name="when">
          <xsl:choose>
            <xsl:when test="npac:CreatedAt"><xsl:apply-templates select="npac:CreatedAt" mode="utc"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="$timestamp"/></xsl:otherwise>
          </xsl:choose>
        </xsl:with-param>
      </xsl:call-template>
      <np:reason>reply to <xsl:value-of select="$answers"/></np:reason>
      <xsl:if test="npac:DueDate">
        <np:port_time><xsl:apply-templates select="npac:DueDate" mode="utc"/></np:port_time>
      </xsl:if>
      <xsl:call-template name="tail">
        <xsl:with-param name="status">
          <xsl:choose>
            <xsl:when test="npac:SvStatus"><xsl:value-of select="npac:SvStatus"/></xsl:when>
            <xsl:otherwise>pending</xsl:otherwise>
          </xsl:choose>
        </xsl:with-param>
      </xsl:call-template>
    </np:message>
  </xsl:template>

  <xsl:template match="npac:SvType" mode="number_type">
    <xsl:choose>
      <xsl:when test=". = 'wireless'">mobile</xsl:when>
      <xsl:otherwise>fixed</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- xs:dateTime with any offset (or none: taken as UTC) -> whole seconds UTC with Z -->
  <xsl:template match="*" mode="utc">
    <xsl:variable name="v" select="normalize-space()"/>
    <xsl:variable name="s" select="floor(date:seconds($v))"/>
    <xsl:choose>
      <xsl:when test="contains($v, 'T') and $s = $s and $s &gt;= 0">
        <xsl:value-of select="date:add('1970-01-01T00:00:00Z', concat('PT', $s, 'S'))"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$v"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
