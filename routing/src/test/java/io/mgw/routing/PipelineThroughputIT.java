package io.mgw.routing;

import io.mgw.testkit.store.InMemoryStore;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.config.AccountConfig;
import io.mgw.core.config.ConnectorConfig;
import io.mgw.core.config.KafkaConfig;
import io.mgw.core.config.RouteConfig;
import io.mgw.core.model.Address;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageIdGenerator;
import io.mgw.core.model.Origin;
import io.mgw.core.spi.SubmitOutcome;
import io.mgw.routing.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures messages per second through ingress -> router -> egress with a connector that accepts at once (no
 * timed assertion; prints the figure). Run by hand:
 * {@code ./mvnw -o -q -pl routing -am verify -Dtest=none -Dit.test=PipelineThroughputIT -Dmgw.perf=true
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false} ({@code -Dmgw.perf.count=N},
 * {@code -Dmgw.perf.compression=none|lz4}).
 */
@EnabledIfSystemProperty(named = "mgw.perf", matches = "true")
class PipelineThroughputIT {

    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        int n = Integer.getInteger("mgw.perf.count", 100_000);
        InstantSource clock = InstantSource.system();
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir, 0)) {
            kafka.start();
            String compression = System.getProperty("mgw.perf.compression", "lz4");
            KafkaConfig cfg = new KafkaConfig(Optional.empty(), 3, 2, false, 8, 2,
                    Map.of("compression.type", compression), Map.of());
            AtomicInteger done = new AtomicInteger();
            AtomicInteger ids = new AtomicInteger();
            ConnectorConfig cc = new ConnectorConfig("noop", "test", 0, 8, Map.of("egress.inflight", "2000"));
            TestConnector noop = new TestConnector("noop");
            noop.behaviour = m -> {
                done.incrementAndGet();
                return CompletableFuture.completedFuture(
                        new SubmitOutcome.Accepted(List.of("r" + ids.incrementAndGet())));
            };
            InMemoryStore store = new InMemoryStore(clock);
            RouteConfig all = new RouteConfig("all", "MT", Optional.of("4"), Optional.empty(), Optional.empty(),
                    Optional.empty(), List.of("noop"), Optional.empty());
            AccountConfig acct = new AccountConfig("bench", "x", List.of(), 0, 10, 5, List.of(), "hex",
                    Duration.ofHours(1));
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (RoutingEngine e = new RoutingEngine(cfg, kafka.bootstrapServers(), List.of(all), List.of(cc),
                    List.of(acct), store, meters, clock, c -> noop)) {
                e.start();
                MessageIdGenerator gen = new MessageIdGenerator(1, 1, clock);
                Semaphore window = new Semaphore(20_000);
                AtomicInteger failed = new AtomicInteger();
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    window.acquire();
                    Message m = Message.builder().id(gen.next()).origin(new Origin("bench", "bench", "n1", ""))
                            .source(Address.of("BENCH")).destination(Address.msisdn("49170" + (i % 10_000)))
                            .text("benchmark message number " + i).build();
                    e.ingressSink().accept(m).whenComplete((v, x) -> {
                        if (x != null) {
                            failed.incrementAndGet();
                        }
                        window.release();
                    });
                }
                long ingressNanos = System.nanoTime() - start;
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                long nextReport = System.nanoTime();
                while (done.get() < n - failed.get() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                    if (System.nanoTime() > nextReport) {
                        nextReport += TimeUnit.SECONDS.toNanos(5);
                        System.out.printf("PERF t=%.1fs routed=%.0f submitted=%d ingress-failed=%d%n",
                                (System.nanoTime() - start) / 1e9,
                                meters.counter("gateway.routing.message.routed").count(), done.get(), failed.get());
                    }
                }
                long totalNanos = System.nanoTime() - start;
                System.out.printf("PERF compression=" + compression + " ingress accepted %d in %.2f s (%.0f msg/s); end to end %d submitted in %.2f s"
                                + " (%.0f msg/s)%n", n, ingressNanos / 1e9, n / (ingressNanos / 1e9), done.get(),
                        totalNanos / 1e9, done.get() / (totalNanos / 1e9));
                System.out.printf("PERF ingress failures (temporary errors to the client): %d%n", failed.get());
                assertThat(done.get()).isGreaterThanOrEqualTo(n - failed.get());
            }
        }
    }
}
