package io.mgw.routing.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.model.Address;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.Origin;
import io.mgw.core.spi.TemporaryFailureException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

class KafkaIngressSinkTest {

    private static Message message(int i) {
        return Message.builder().id(new MessageId(1, i)).origin(new Origin("smpp", "acme", "n1", ""))
                .source(Address.of("SENDER")).destination(Address.msisdn("4912345" + i)).text("hi").build();
    }

    @Test
    void unreachableKafkaFailsEachAcceptWithTemporaryFailureWithinTheBoundAndNeverBlocksTheCaller()
            throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        KafkaClients clients = new KafkaClients("127.0.0.1:" + closedPort,
                Map.of("max.block.ms", "1000", "request.timeout.ms", "1000", "delivery.timeout.ms", "2000"), Map.of());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        List<Message> maybeWritten = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (KafkaProducer<String, byte[]> producer = clients.producer("test");
                KafkaIngressSink sink = new KafkaIngressSink(producer, meters, Duration.ofSeconds(3), 1000,
                        maybeWritten::add)) {
            long start = System.nanoTime();
            List<Message> sent = new ArrayList<>();
            List<CompletableFuture<Void>> stages = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                sent.add(message(i));
                stages.add(sink.accept(sent.get(i)).toCompletableFuture());
            }
            long callerMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(callerMillis).as("accept must not block the caller").isLessThan(500);
            assertThat(sink.inFlight()).isPositive();
            List<Message> timedOut = new ArrayList<>();
            for (int i = 0; i < stages.size(); i++) {
                CompletableFuture<Void> f = stages.get(i);
                assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(TemporaryFailureException.class);
                if (KafkaIngressSink.mayHaveBeenWritten(f.exceptionNow())) {
                    timedOut.add(sent.get(i));
                }
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(6_000);
            assertThat(sink.inFlight()).isZero();
            assertThat(meters.counter("gateway.ingress.message.failed").count()).isEqualTo(50);
            // the sends the producer gave up on (its metadata wait) may have gone out as far as the sink can tell:
            // counted and handed to the hook before their stages failed; the ones still queued when the bound ran out
            // ("timed out before send") never left and are not
            assertThat(timedOut).isNotEmpty();
            assertThat(maybeWritten).containsExactlyInAnyOrderElementsOf(timedOut);
            assertThat(meters.counter("gateway.ingress.message.unknown").count()).isEqualTo(timedOut.size());
        }
    }

    @Test
    void closedSinkRefusesWithTemporaryFailure() {
        KafkaClients clients = new KafkaClients("127.0.0.1:9", Map.of("max.block.ms", "500"), Map.of());
        try (KafkaProducer<String, byte[]> producer = clients.producer("test")) {
            List<Message> maybeWritten = new ArrayList<>();
            KafkaIngressSink sink = new KafkaIngressSink(producer, new SimpleMeterRegistry(), Duration.ofSeconds(2), 10,
                    maybeWritten::add);
            sink.close();
            assertThatThrownBy(() -> sink.accept(message(1)).toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .cause().isInstanceOf(TemporaryFailureException.class).hasMessageContaining("closed");
            assertThat(maybeWritten).as("refused before any send: nothing to withdraw").isEmpty();
        }
    }

    @Test
    void onlyTimeoutsCountAsMaybeWritten() {
        var timeout = new org.apache.kafka.common.errors.TimeoutException("Expiring 1 record(s) for gw.ingress-0");
        assertThat(KafkaIngressSink.mayHaveBeenWritten(new TemporaryFailureException("ingress: " + timeout, timeout)))
                .isTrue();
        assertThat(KafkaIngressSink.mayHaveBeenWritten(new java.util.concurrent.TimeoutException())).isTrue();
        var tooLarge = new org.apache.kafka.common.errors.RecordTooLargeException("too large");
        assertThat(KafkaIngressSink.mayHaveBeenWritten(new TemporaryFailureException("ingress: " + tooLarge,
                tooLarge))).isFalse();
        assertThat(KafkaIngressSink.mayHaveBeenWritten(new TemporaryFailureException("ingress: queue full")))
                .isFalse();
    }
}
