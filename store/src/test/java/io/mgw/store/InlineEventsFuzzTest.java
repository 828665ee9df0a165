package io.mgw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mgw.core.model.EventType;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageStatus;
import io.mgw.store.InlineEvents.Sequenced;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link InlineEvents}, the first events kept in a message's row: what is read back
 * from {@code messages.first_events} may be anything a damaged or foreign row holds.
 *
 * <p>The oracle: decode lets nothing but its documented {@link IllegalStateException} escape, what decodes encodes
 * and decodes to the same, and events encode and decode to themselves (time to the microsecond). In {@code ./mvnw
 * verify} each test runs over its seeds in {@code src/test/resources/io/mgw/store/InlineEventsFuzzTestInputs/};
 * {@code JAZZER_FUZZ=1 ./mvnw -pl store -am test -Dtest=InlineEventsFuzzTest#decode
 * -Dsurefire.failIfNoSpecifiedTests=false} fuzzes one of them (docs/FUZZING.md). The plain tests below hold what the
 * fuzzer found.
 */
class InlineEventsFuzzTest {

    /** The instants epoch microseconds in a long can hold. */
    private static final Instant MIN_MICROS = Instant.EPOCH.plus(Long.MIN_VALUE, ChronoUnit.MICROS);
    private static final Instant MAX_MICROS = Instant.EPOCH.plus(Long.MAX_VALUE, ChronoUnit.MICROS);

    @FuzzTest(maxDuration = "30s")
    void decode(FuzzedDataProvider in) {
        byte[] bytes = in.consumeRemainingAsBytes();
        List<Sequenced> events;
        try {
            events = InlineEvents.decode(bytes);
        } catch (IllegalStateException e) {
            return; // not a version we read, cut short, a bad length or name: documented
        }
        assertThat(events.size()).isLessThanOrEqualTo(bytes.length);
        assertThat(InlineEvents.decode(InlineEvents.encode(events))).isEqualTo(events);
    }

    @FuzzTest(maxDuration = "30s")
    void roundTrip(FuzzedDataProvider in) {
        int n = in.consumeInt(0, 8);
        List<Sequenced> events = new ArrayList<>(n);
        List<Sequenced> expected = new ArrayList<>(n);
        boolean representable = true;
        for (int i = 0; i < n; i++) {
            long seq = in.consumeLong();
            Instant at = in.consumeBoolean()
                    // anywhere an Instant goes
                    ? Instant.ofEpochSecond(in.consumeLong(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()),
                            in.consumeInt(0, 999_999_999))
                    // any microsecond, with nanoseconds below it that the encoding drops
                    : Instant.EPOCH.plus(in.consumeLong(), ChronoUnit.MICROS).plusNanos(in.consumeInt(0, 999));
            Instant kept = at.truncatedTo(ChronoUnit.MICROS);
            representable &= !kept.isBefore(MIN_MICROS) && !kept.isAfter(MAX_MICROS);
            EventType type = in.pickValue(EventType.values());
            MessageStatus status = in.pickValue(MessageStatus.values());
            String connector = in.consumeString(64);
            String detail = in.consumeString(512);
            events.add(new Sequenced(seq, new MessageEvent(at, type, status, connector, detail)));
            expected.add(new Sequenced(seq, new MessageEvent(kept, type, status, connector, detail)));
        }
        if (!representable) {
            // a time past the +-292,000 years epoch micros hold: the encoder says so rather than writing a wrong one
            assertThatThrownBy(() -> InlineEvents.encode(events)).isInstanceOf(ArithmeticException.class);
            return;
        }
        assertThat(InlineEvents.decode(InlineEvents.encode(events))).isEqualTo(expected);
    }

    @Test
    void anUnknownTypeOrStatusNameIsRefusedLikeOtherBadBytes() {
        byte[] type = oneEvent("ACCEPTED_LATER", "ACCEPTED");
        byte[] status = oneEvent("ACCEPTED", "");

        assertThatThrownBy(() -> InlineEvents.decode(type)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ACCEPTED_LATER");
        assertThatThrownBy(() -> InlineEvents.decode(status)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MessageStatus");
    }

    @Test
    void everyTimeTheFormatHoldsEncodesAgain() {
        for (Instant at : List.of(MIN_MICROS, MIN_MICROS.plusNanos(1_000), MAX_MICROS,
                Instant.parse("-290000-01-01T00:00:00.000001Z"))) {
            List<Sequenced> events = List.of(new Sequenced(1, new MessageEvent(at, EventType.ACCEPTED,
                    MessageStatus.ACCEPTED, "", "")));

            assertThat(InlineEvents.decode(InlineEvents.encode(events))).as("%s", at).isEqualTo(events);
        }
        List<Sequenced> beyond = List.of(new Sequenced(1, new MessageEvent(MIN_MICROS.minusNanos(1_000),
                EventType.ACCEPTED, MessageStatus.ACCEPTED, "", "")));
        assertThatThrownBy(() -> InlineEvents.encode(beyond)).isInstanceOf(ArithmeticException.class);
    }

    /** Version 1 bytes of one event with the given type and status names. */
    private static byte[] oneEvent(String type, String status) {
        byte[] t = type.getBytes(StandardCharsets.UTF_8);
        byte[] s = status.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + 8 + 8 + 4 + t.length + 4 + s.length + 4 + 4)
                .put((byte) 1).putInt(1)
                .putLong(7).putLong(1_000_000L)
                .putInt(t.length).put(t)
                .putInt(s.length).put(s)
                .putInt(0).putInt(0)
                .array();
    }
}
