package io.mgw.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.model.Address;
import io.mgw.core.model.Direction;
import io.mgw.core.model.EventType;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageIdGenerator;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.Origin;
import io.mgw.testkit.store.InMemoryStore;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a withdrawal records. Which failures call it is KafkaIngressSinkTest's part (a real producer against an
 * unreachable broker); KafkaPartitionIT runs both against a partition that heals.
 */
class IngressWithdrawalTest {

    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-24T06:00:00Z"));
    private static final MessageIdGenerator IDS = new MessageIdGenerator(1, 1, CLOCK);

    private final InMemoryStore store = new InMemoryStore(CLOCK);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final IngressWithdrawal withdrawal = new IngressWithdrawal(store, meters, CLOCK);

    private static Message message(Direction direction) {
        return Message.builder().id(IDS.next()).direction(direction).origin(new Origin("smpp", "acme", "n1", ""))
                .source(Address.of("SENDER")).destination(Address.msisdn("4912345")).text("hi").build();
    }

    @Test
    void anMtMessageIsRecordedDeletedSoThatALaterRecordOfItChangesNothing() {
        Message m = message(Direction.MT);
        withdrawal.accept(m);
        var rec = store.find(m.id()).orElseThrow();
        assertThat(rec.status()).isEqualTo(MessageStatus.DELETED);
        assertThat(rec.history()).extracting(e -> e.type()).containsExactly(EventType.ACCEPTED, EventType.CANCELLED);
        assertThat(rec.history().get(1).detail()).isEqualTo(IngressWithdrawal.DETAIL);
        assertThat(meters.counter("gateway.ingress.withdrawn").count()).isEqualTo(1);
        // the router's record when the message turns up in gw.ingress after all
        store.recordMessage(m, new io.mgw.core.model.MessageEvent(CLOCK.instant(), EventType.ACCEPTED,
                MessageStatus.ACCEPTED, "", ""));
        assertThat(store.find(m.id()).orElseThrow().status()).isEqualTo(MessageStatus.DELETED);
    }

    @Test
    void aMessageTheRouterRecordedFirstIsWithdrawnAllTheSame() {
        Message m = message(Direction.MT);
        // the router read it from gw.ingress before the partition cut the producer's answer off, and recorded it
        store.recordMessage(m, List.of(
                new MessageEvent(CLOCK.instant(), EventType.ACCEPTED, MessageStatus.ACCEPTED, "", ""),
                new MessageEvent(CLOCK.instant(), EventType.ROUTED, MessageStatus.ACCEPTED, "", "")));

        withdrawal.accept(m);

        // before: recorded with both events as one write, which writes nothing for a recorded message
        var rec = store.find(m.id()).orElseThrow();
        assertThat(rec.status()).isEqualTo(MessageStatus.DELETED);
        assertThat(rec.history()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(EventType.CANCELLED);
            assertThat(e.detail()).isEqualTo(IngressWithdrawal.DETAIL);
        });
    }

    @Test
    void moIsNotWithdrawn() {
        Message m = message(Direction.MO);
        withdrawal.accept(m);
        assertThat(store.find(m.id())).isEmpty();
        assertThat(meters.counter("gateway.ingress.withdrawn").count()).isZero();
    }
}
