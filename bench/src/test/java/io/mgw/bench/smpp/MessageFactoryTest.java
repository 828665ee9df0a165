package io.mgw.bench.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.bench.smpp.MessageFactory.Part;
import io.mgw.bench.smpp.MessageMix.Kind;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MessageFactoryTest {

  private static MessageFactory only(String kind) {
    return new MessageFactory(MessageMix.parse(kind + ":1"), "4479", 100_000);
  }

  @Test
  void gsmIsOneDefaultAlphabetPartCarryingTheMessageNumber() {
    List<Part> parts = only("gsm").message(42);
    assertThat(parts).hasSize(1);
    Part p = parts.get(0);
    assertThat(p.kind()).isEqualTo(Kind.GSM);
    assertThat(p.dataCoding()).isEqualTo((byte) 0);
    assertThat(p.esmClass()).isEqualTo((byte) 0);
    assertThat(p.shortMessage()).hasSize(60);
    assertThat(new String(p.shortMessage(), StandardCharsets.US_ASCII)).startsWith("mgw bench 42 ");
  }

  @Test
  void gsmTextUsesOnlyCharactersWhoseGsmCodeIsTheirAsciiCode() {
    String text = MessageFactory.gsmText(7, 459);
    assertThat(text).hasSize(459).matches("[A-Za-z0-9 ]*");
  }

  @Test
  void ucs2IsUtf16BigEndianWithDataCoding8() {
    Part p = only("ucs2").message(5).get(0);
    assertThat(p.dataCoding()).isEqualTo((byte) 8);
    String text = new String(p.shortMessage(), StandardCharsets.UTF_16BE);
    assertThat(text).endsWith("5").contains("Ωμέγα");
    assertThat(text.length()).isLessThanOrEqualTo(70);
  }

  @Test
  void longIsThreePartsWithConcatenationUdh() {
    List<Part> parts = only("long").message(258);
    assertThat(parts).hasSize(MessageFactory.LONG_PARTS);
    for (int i = 0; i < parts.size(); i++) {
      Part p = parts.get(i);
      assertThat(p.esmClass()).isEqualTo((byte) 0x40);
      assertThat(p.dataCoding()).isEqualTo((byte) 0);
      byte[] sm = p.shortMessage();
      assertThat(sm).hasSize(6 + MessageFactory.LONG_PART_CHARS);
      assertThat(sm[0]).isEqualTo((byte) 5);
      assertThat(sm[1]).isEqualTo((byte) 0);
      assertThat(sm[2]).isEqualTo((byte) 3);
      assertThat(sm[3]).isEqualTo((byte) 2); // 258 & 0xff
      assertThat(sm[4]).isEqualTo((byte) 3);
      assertThat(sm[5]).isEqualTo((byte) (i + 1));
      assertThat(p.destination()).isEqualTo(parts.get(0).destination());
    }
    String first = new String(parts.get(0).shortMessage(), 6, 20, StandardCharsets.US_ASCII);
    assertThat(first).startsWith("mgw bench 258 ");
  }

  @Test
  void destinationsArePrefixedPaddedAndSpread() {
    MessageFactory f = new MessageFactory(MessageMix.parse("gsm:1"), "4479", 1000);
    Set<String> seen = new HashSet<>();
    for (int n = 0; n < 1000; n++) {
      String d = f.destinationOf(n);
      assertThat(d).hasSize(12).startsWith("4479").matches("[0-9]+");
      seen.add(d);
    }
    assertThat(seen).hasSize(1000);
    assertThat(f.destinationOf(1000)).isEqualTo(f.destinationOf(0));
    assertThat(f.destinationOf(1)).isNotEqualTo(f.destinationOf(0));
  }

  @Test
  void destinationWidthGrowsForLargeSpreads() {
    MessageFactory f = new MessageFactory(MessageMix.parse("gsm:1"), "4479123456", 1_000_000);
    assertThat(f.destinationOf(3)).hasSize(16);
  }

  @Test
  void kindsFollowTheMixCycle() {
    MessageFactory f = new MessageFactory(MessageMix.parse("gsm:2,long:1"), "1", 10);
    assertThat(List.of(f.kindOf(0), f.kindOf(1), f.kindOf(2), f.kindOf(3)))
        .containsExactly(Kind.GSM, Kind.LONG, Kind.GSM, Kind.GSM);
  }

  @Test
  void rejectsZeroDestinations() {
    assertThatThrownBy(() -> new MessageFactory(MessageMix.parse("gsm:1"), "1", 0))
        .hasMessage("dests: 0 (expected: > 0)");
  }
}
