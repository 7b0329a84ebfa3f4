<?xml version="1.0" encoding="utf-8"?>
<!-- Maps a decoded X12 850 to the internal order document. -->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:x12="http://schemas.microsoft.com/BizTalk/EDI/X12/2006"
                exclude-result-prefixes="x12">
  <xsl:output method="xml" indent="yes" />
  <xsl:template match="/x12:X12_00401_850">
    <Order>
      <Number><xsl:value-of select="BEG/BEG03" /></Number>
      <Date><xsl:value-of select="BEG/BEG05" /></Date>
      <xsl:for-each select="PO1Loop1/PO1">
        <Line>
          <Quantity><xsl:value-of select="PO102" /></Quantity>
          <Unit><xsl:value-of select="PO103" /></Unit>
          <Price><xsl:value-of select="PO104" /></Price>
          <Item><xsl:value-of select="PO107" /></Item>
        </Line>
      </xsl:for-each>
    </Order>
  </xsl:template>
</xsl:stylesheet>
