package io.mgw.bench.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.bench.smpp.MessageMix.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageMixTest {

  @Test
  void parsesWeights() {
    MessageMix mix = MessageMix.parse("gsm:80, ucs2:10 ,LONG:10");
    assertThat(mix.weights()).isEqualTo(Map.of(Kind.GSM, 80, Kind.UCS2, 10, Kind.LONG, 10));
    assertThat(mix.toString()).isEqualTo("gsm:80,ucs2:10,long:10");
  }

  @Test
  void cycleHasExactProportionsAndInterleaves() {
    List<Kind> cycle = MessageMix.parse("gsm:80,ucs2:10,long:10").cycle();
    assertThat(cycle).hasSize(10);
    assertThat(cycle.stream().filter(k -> k == Kind.GSM)).hasSize(8);
    assertThat(cycle.stream().filter(k -> k == Kind.UCS2)).hasSize(1);
    assertThat(cycle.stream().filter(k -> k == Kind.LONG)).hasSize(1);
    // interleaved: the two rare kinds are not next to each other
    assertThat(Math.abs(cycle.indexOf(Kind.UCS2) - cycle.indexOf(Kind.LONG))).isGreaterThan(1);
  }

  @Test
  void cycleIsTheSameInEveryRun() {
    assertThat(MessageMix.parse("long:1,gsm:2").cycle()).containsExactly(Kind.GSM, Kind.LONG, Kind.GSM);
  }

  @Test
  void zeroWeightsAreDropped() {
    assertThat(MessageMix.parse("gsm:1,ucs2:0").weights()).containsOnlyKeys(Kind.GSM);
  }

  @Test
  void submitsPerMessageCountsLongParts() {
    assertThat(MessageMix.parse("gsm:80,ucs2:10,long:10").submitsPerMessage()).isEqualTo(1.2);
  }

  @Test
  void rejectsUnknownKind() {
    assertThatThrownBy(() -> MessageMix.parse("mms:5")).hasMessageContaining("expected: kind gsm, ucs2 or long");
  }

  @Test
  void rejectsRepeatedKind() {
    assertThatThrownBy(() -> MessageMix.parse("gsm:5,gsm:6")).hasMessage("mix: GSM given twice");
  }

  @Test
  void rejectsMissingWeight() {
    assertThatThrownBy(() -> MessageMix.parse("gsm")).hasMessage("mix: gsm (expected: kind:weight)");
  }

  @Test
  void rejectsNonNumericWeight() {
    assertThatThrownBy(() -> MessageMix.parse("gsm:many")).hasMessageContaining("expected: an integer weight");
  }

  @Test
  void rejectsNegativeWeight() {
    assertThatThrownBy(() -> MessageMix.parse("gsm:-1")).hasMessageContaining("expected: >= 0");
  }

  @Test
  void rejectsAllZero() {
    assertThatThrownBy(() -> MessageMix.parse("gsm:0")).hasMessageContaining("expected: a positive weight");
  }
}
