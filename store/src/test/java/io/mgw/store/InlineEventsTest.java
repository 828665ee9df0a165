package io.mgw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.model.EventType;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageStatus;
import io.mgw.store.InlineEvents.Sequenced;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class InlineEventsTest {

    private static final Instant T = Instant.parse("2026-11-23T10:15:30.123456789Z");

    @Test
    void roundTripKeepsEveryFieldToTheMicrosecond() {
        List<Sequenced> in = List.of(
                new Sequenced(7, new MessageEvent(T, EventType.ACCEPTED, MessageStatus.ACCEPTED, "", "")),
                new Sequenced(8, new MessageEvent(T.plusMillis(1), EventType.ROUTED, MessageStatus.ENROUTE, "smsc-ä",
                        "route all \uD83D\uDE00")));

        List<Sequenced> out = InlineEvents.decode(InlineEvents.encode(in));

        assertThat(out).hasSize(2);
        assertThat(out.get(0).seq()).isEqualTo(7);
        assertThat(out.get(0).event().at()).isEqualTo(Instant.parse("2026-11-23T10:15:30.123456Z"));
        assertThat(out.get(1).event()).isEqualTo(new MessageEvent(Instant.parse("2026-11-23T10:15:30.124456Z"),
                EventType.ROUTED, MessageStatus.ENROUTE, "smsc-ä", "route all \uD83D\uDE00"));
    }

    @Test
    void instantsBeforeTheEpochSurvive() {
        Instant early = Instant.parse("1969-12-31T23:59:59.999999Z");
        List<Sequenced> out = InlineEvents.decode(InlineEvents.encode(List.of(
                new Sequenced(1, new MessageEvent(early, EventType.ACCEPTED, MessageStatus.ACCEPTED, "", "")))));

        assertThat(out.get(0).event().at()).isEqualTo(early);
    }

    @Test
    void nullOrEmptyIsNoEvents() {
        assertThat(InlineEvents.decode(null)).isEmpty();
        assertThat(InlineEvents.decode(new byte[0])).isEmpty();
    }

    @Test
    void anUnknownVersionIsRefused() {
        byte[] b = InlineEvents.encode(List.of(
                new Sequenced(1, new MessageEvent(T, EventType.ACCEPTED, MessageStatus.ACCEPTED, "", ""))));
        b[0] = 2;

        assertThatThrownBy(() -> InlineEvents.decode(b)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("version 2");
    }

    @Test
    void bytesCutShortAreRefused() {
        byte[] b = InlineEvents.encode(List.of(
                new Sequenced(1, new MessageEvent(T, EventType.ACCEPTED, MessageStatus.ACCEPTED, "a", "detail"))));

        for (int len = 1; len < b.length; len++) {
            byte[] cut = Arrays.copyOf(b, len);
            assertThatThrownBy(() -> InlineEvents.decode(cut)).as("length %d", len)
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void historyOrderIsTimeThenSequence() {
        Sequenced later = new Sequenced(1, new MessageEvent(T.plusSeconds(1), EventType.REPORT,
                MessageStatus.DELIVERED, "", ""));
        Sequenced sameTimeSecond = new Sequenced(3, new MessageEvent(T, EventType.ROUTED, MessageStatus.ENROUTE, "", ""));
        Sequenced sameTimeFirst = new Sequenced(2, new MessageEvent(T, EventType.ACCEPTED, MessageStatus.ACCEPTED, "",
                ""));

        List<Sequenced> sorted = new java.util.ArrayList<>(List.of(later, sameTimeSecond, sameTimeFirst));
        sorted.sort(Sequenced.HISTORY_ORDER);

        assertThat(sorted).containsExactly(sameTimeFirst, sameTimeSecond, later);
    }
}
