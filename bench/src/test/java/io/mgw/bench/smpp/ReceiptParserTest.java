package io.mgw.bench.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.OptionalParameter;
import org.junit.jupiter.api.Test;

class ReceiptParserTest {

  private static final String TEXT =
      "id:0A1B sub:001 dlvrd:001 submit date:2611230900 done date:2611230901 stat:DELIVRD err:000 text:hello";

  private static DeliverSm deliverSm(int esmClass, String text, OptionalParameter... tlvs) {
    DeliverSm d = new DeliverSm();
    d.setEsmClass((byte) esmClass);
    d.setShortMessage(text.getBytes(StandardCharsets.US_ASCII));
    d.setOptionalParameters(tlvs);
    return d;
  }

  @Test
  void prefersTheReceiptedMessageIdTlv() {
    ReceiptParser.Receipt r = ReceiptParser.parse(
        deliverSm(0x04, TEXT, new OptionalParameter.Receipted_message_id("tlv-id"))).orElseThrow();
    assertThat(r.messageId()).isEqualTo("tlv-id");
    assertThat(r.stat()).isEqualTo("DELIVRD");
  }

  @Test
  void fallsBackToTheIdInTheText() {
    ReceiptParser.Receipt r = ReceiptParser.parse(deliverSm(0x04, TEXT)).orElseThrow();
    assertThat(r.messageId()).isEqualTo("0A1B");
  }

  @Test
  void fallsBackToTheTextWhenTheTlvIsEmpty() {
    ReceiptParser.Receipt r = ReceiptParser.parse(
        deliverSm(0x04, TEXT, new OptionalParameter.Receipted_message_id(""))).orElseThrow();
    assertThat(r.messageId()).isEqualTo("0A1B");
  }

  @Test
  void aMobileOriginatedMessageIsNoReceipt() {
    assertThat(ReceiptParser.parse(deliverSm(0x00, TEXT))).isEmpty();
  }

  @Test
  void aReceiptWithoutAnyIdIsEmpty() {
    assertThat(ReceiptParser.parse(deliverSm(0x04, "stat:DELIVRD err:000"))).isEmpty();
  }

  @Test
  void statIsNullWhenAbsent() {
    assertThat(ReceiptParser.parse(deliverSm(0x04, "id:77")).orElseThrow().stat()).isNull();
  }

  @Test
  void fieldNeedsAWordBoundary() {
    assertThat(ReceiptParser.field("xid:1 id:2 rest", "id:")).isEqualTo("2");
    assertThat(ReceiptParser.field("id:9", "id:")).isEqualTo("9");
    assertThat(ReceiptParser.field("xid:1", "id:")).isNull();
  }
}
