package io.mgw.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.model.Address;
import io.mgw.core.model.Direction;
import io.mgw.core.model.EventType;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageIdGenerator;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.Origin;
import io.mgw.core.spi.IngressSink;
import io.mgw.core.spi.TemporaryFailureException;
import io.mgw.testkit.store.InMemoryStore;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Which refusals withdraw the message. The Kafka side is a stand-in failing as {@code KafkaIngressSink} does (its
 * stage fails with a TemporaryFailureException whose cause is the producer's exception); KafkaPartitionIT runs the
 * real producer against a partition that heals.
 */
class WithdrawingIngressTest {

    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-24T06:00:00Z"));
    private static final MessageIdGenerator IDS = new MessageIdGenerator(1, 1, CLOCK);

    private final InMemoryStore store = new InMemoryStore(CLOCK);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private static Message message(Direction direction) {
        return Message.builder().id(IDS.next()).direction(direction).origin(new Origin("smpp", "acme", "n1", ""))
                .source(Address.of("SENDER")).destination(Address.msisdn("4912345")).text("hi").build();
    }

    private static IngressSink failingWith(Throwable producerError) {
        return m -> CompletableFuture.failedFuture(new TemporaryFailureException("ingress: " + producerError,
                producerError));
    }

    private boolean withdrawn(Message m) {
        return store.find(m.id()).map(r -> r.history().stream()
                .anyMatch(e -> e.type() == EventType.CANCELLED && e.detail().equals(WithdrawingIngress.DETAIL)))
                .orElse(false);
    }

    @Test
    void anMtRefusedOnAProducerTimeoutIsWithdrawnAndTheSenderStillRefused() {
        var sink = new WithdrawingIngress(failingWith(new TimeoutException("Expiring 1 record(s)")), store, meters,
                CLOCK);
        Message m = message(Direction.MT);
        assertThatThrownBy(() -> sink.accept(m).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TemporaryFailureException.class);
        // recorded, so that the router's later record of it (if Kafka had it after all) changes nothing
        var rec = store.find(m.id()).orElseThrow();
        assertThat(rec.status()).isEqualTo(MessageStatus.DELETED);
        assertThat(rec.history()).extracting(e -> e.type()).containsExactly(EventType.ACCEPTED, EventType.CANCELLED);
        assertThat(rec.history().get(1).detail()).isEqualTo(WithdrawingIngress.DETAIL);
        assertThat(meters.counter("gateway.ingress.withdrawn").count()).isEqualTo(1);
    }

    @Test
    void ourOwnBoundRunningOutCountsAsATimeoutToo() {
        var sink = new WithdrawingIngress(failingWith(new java.util.concurrent.TimeoutException()), store, meters,
                CLOCK);
        Message m = message(Direction.MT);
        assertThatThrownBy(() -> sink.accept(m).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);
        assertThat(withdrawn(m)).isTrue();
    }

    @Test
    void aRefusalThatWroteNothingWithdrawsNothing() {
        var sink = new WithdrawingIngress(failingWith(new RecordTooLargeException("too large")), store, meters,
                CLOCK);
        Message m = message(Direction.MT);
        assertThatThrownBy(() -> sink.accept(m).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);
        assertThat(store.find(m.id())).isEmpty();
        assertThat(meters.counter("gateway.ingress.withdrawn").count()).isZero();
    }

    @Test
    void moIsNotWithdrawn() {
        var sink = new WithdrawingIngress(failingWith(new TimeoutException("Expiring 1 record(s)")), store, meters,
                CLOCK);
        Message m = message(Direction.MO);
        assertThatThrownBy(() -> sink.accept(m).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);
        assertThat(store.find(m.id())).isEmpty();
    }

    @Test
    void anAcceptedMessageIsLeftAlone() throws Exception {
        var sink = new WithdrawingIngress(m -> CompletableFuture.completedFuture(null), store, meters, CLOCK);
        Message m = message(Direction.MT);
        sink.accept(m).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(store.find(m.id())).isEmpty();
    }
}
