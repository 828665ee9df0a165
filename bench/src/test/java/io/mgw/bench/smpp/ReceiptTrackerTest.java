package io.mgw.bench.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReceiptTrackerTest {

  private static final long MS = 1_000_000L;

  @Test
  void receiptAfterAcceptIsMatchedWithLatencyFromIntendedStart() {
    ReceiptTracker t = new ReceiptTracker();
    t.accepted("abc", 10 * MS, true);
    assertThat(t.missing()).isEqualTo(1);
    t.receipt("abc", 35 * MS, "DELIVRD");
    ReceiptTracker.Snapshot s = t.snapshot();
    assertThat(s.accepted()).isEqualTo(1);
    assertThat(s.received()).isEqualTo(1);
    assertThat(s.matched()).isEqualTo(1);
    assertThat(s.missing()).isZero();
    assertThat(s.latency().max()).isCloseTo(25.0, within(0.1));
    assertThat(s.byStat()).isEqualTo(Map.of("DELIVRD", 1L));
  }

  @Test
  void earlyReceiptIsMatchedWhenTheIdIsAccepted() {
    ReceiptTracker t = new ReceiptTracker();
    t.receipt("x1", 50 * MS, "DELIVRD");
    assertThat(t.snapshot().unknownReceipts()).isEqualTo(1);
    t.accepted("x1", 20 * MS, true);
    ReceiptTracker.Snapshot s = t.snapshot();
    assertThat(s.matched()).isEqualTo(1);
    assertThat(s.missing()).isZero();
    assertThat(s.unknownReceipts()).isZero();
    assertThat(s.latency().max()).isCloseTo(30.0, within(0.1));
  }

  @Test
  void secondReceiptForAnIdIsADuplicate() {
    ReceiptTracker t = new ReceiptTracker();
    t.accepted("d", 0, true);
    t.receipt("d", MS, "DELIVRD");
    t.receipt("d", 2 * MS, "DELIVRD");
    ReceiptTracker.Snapshot s = t.snapshot();
    assertThat(s.received()).isEqualTo(2);
    assertThat(s.matched()).isEqualTo(1);
    assertThat(s.duplicates()).isEqualTo(1);
    assertThat(s.latency().count()).isEqualTo(1);
  }

  @Test
  void twoEarlyReceiptsForOneIdCountOneDuplicate() {
    ReceiptTracker t = new ReceiptTracker();
    t.receipt("e", MS, "DELIVRD");
    t.receipt("e", MS, "DELIVRD");
    t.accepted("e", 0, true);
    assertThat(t.snapshot().duplicates()).isEqualTo(1);
    assertThat(t.snapshot().matched()).isEqualTo(1);
  }

  @Test
  void receiptForAnIdNeverAcceptedIsUnknown() {
    ReceiptTracker t = new ReceiptTracker();
    t.accepted("a", 0, true);
    t.receipt("zz", MS, "DELIVRD");
    ReceiptTracker.Snapshot s = t.snapshot();
    assertThat(s.unknownReceipts()).isEqualTo(1);
    assertThat(s.missing()).isEqualTo(1);
    assertThat(s.matched()).isZero();
  }

  @Test
  void acceptedWithoutReceiptIsMissing() {
    ReceiptTracker t = new ReceiptTracker();
    t.accepted("a", 0, true);
    t.accepted("b", 0, true);
    t.receipt("b", MS, null);
    assertThat(t.missing()).isEqualTo(1);
    assertThat(t.snapshot().byStat()).isEqualTo(Map.of("(none)", 1L));
  }

  @Test
  void idsAreComparedAfterTrimming() {
    ReceiptTracker t = new ReceiptTracker();
    t.accepted(" 0a1 ", 0, true);
    t.receipt("0a1", MS, "DELIVRD");
    assertThat(t.missing()).isZero();
  }

  @Test
  void differentIdSpellingsAreNotMatched() {
    ReceiptTracker t = new ReceiptTracker();
    t.accepted("0A1", 0, true);
    t.receipt("a1", MS, "DELIVRD");
    assertThat(t.missing()).isEqualTo(1);
  }

  @Test
  void idGivenTwiceByTheServerIsCountedAndNotLeftMissing() {
    ReceiptTracker t = new ReceiptTracker();
    t.accepted("same", 0, true);
    t.accepted("same", 0, true);
    t.receipt("same", MS, "DELIVRD");
    ReceiptTracker.Snapshot s = t.snapshot();
    assertThat(s.duplicateIds()).isEqualTo(1);
    assertThat(s.missing()).isZero();
  }

  @Test
  void onlyMeasuredSubmitsFeedTheLatency() {
    ReceiptTracker t = new ReceiptTracker();
    t.accepted("warm", 0, false);
    t.receipt("warm", 500 * MS, "DELIVRD");
    t.accepted("hot", 0, true);
    t.receipt("hot", 3 * MS, "DELIVRD");
    ReceiptTracker.Snapshot s = t.snapshot();
    assertThat(s.matched()).isEqualTo(2);
    assertThat(s.latency().count()).isEqualTo(1);
    assertThat(s.latency().max()).isCloseTo(3.0, within(0.01));
  }

  @Test
  void concurrentAcceptsAndReceiptsInAnyOrderAllMatch() throws InterruptedException {
    ReceiptTracker t = new ReceiptTracker();
    int n = 20_000;
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      int from = w;
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = from; i < n; i += 4) {
          t.accepted("id" + i, 0, true);
        }
      }));
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = n - 1 - from; i >= 0; i -= 4) {
          t.receipt("id" + i, MS, "DELIVRD");
        }
      }));
    }
    for (Thread th : threads) {
      th.join();
    }
    ReceiptTracker.Snapshot s = t.snapshot();
    assertThat(s.accepted()).isEqualTo(n);
    assertThat(s.received()).isEqualTo(n);
    assertThat(s.matched()).isEqualTo(n);
    assertThat(s.missing()).isZero();
    assertThat(s.duplicates()).isZero();
    assertThat(s.unknownReceipts()).isZero();
  }
}
