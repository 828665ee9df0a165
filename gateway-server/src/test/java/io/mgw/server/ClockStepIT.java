package io.mgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mgw.testkit.smsc.SmscSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's wall clock stepped under traffic (RELIABILITY.md B.7 item 2, "clock jump +1 h"), as NTP or a resumed VM
 * steps it: an hour forward, then an hour back while the SMSC is throttling, so that the connector's partitions are
 * blocked (waiting to retry) at the moment of the step back. The node's clock is injected; everything that keeps
 * time for timeouts and retry waits must not care. The oracle: every submit answered ESME_ROK gets its receipt within
 * minutes (a wait measured on the wall clock would hold a blocked partition, and the egress's commits, an hour after
 * the step back), the SMSC takes nothing twice, and Kafka drains.
 */
class ClockStepIT {

    private static final int SUBMITTERS = 4;

    @TempDir
    Path tmp;

    @AutoClose
    final Closer closer = new Closer();

    @Test
    void aWallClockSteppedAnHourForwardAndBackUnderTrafficLosesAndHoldsNothing() throws Exception {
        SmscSimulator smsc = closer.add(new SmscSimulator(SmscSimulator.Settings.defaults()
                .withReceiptDelay(Duration.ofMillis(100)).withRecordLimit(200_000)).start());
        AtomicReference<Duration> step = new AtomicReference<>(Duration.ZERO);
        InstantSource clock = () -> Instant.now().plus(step.get());
        GatewayNode node = new GatewayNode(NodeFixture.withSmsc(tmp.resolve("data"), smsc.port(),
                ", throttleRetryAfter: 1s"), Optional.empty(), clock);
        node.start();
        closer.add(node::close);

        Esmes esmes = closer.add(new Esmes());
        esmes.receiver(node.smppPort());
        Esmes.Outcomes tx = esmes.transmitter(node.smppPort(), SUBMITTERS, 10_000, "clock step ");
        awaitMore(tx, 300);

        step.set(Duration.ofHours(1));
        awaitMore(tx, 300);

        // the SMSC throttles: the connector's partitions wait to retry; the clock steps back an hour meanwhile
        smsc.setThrottling(true);
        double throttledBefore = throttled(node);
        await().atMost(Duration.ofSeconds(30)).until(() -> throttled(node) > throttledBefore + 10);
        step.set(Duration.ZERO);
        smsc.setThrottling(false);
        awaitMore(tx, 300);
        esmes.stopSubmitting();
        Set<String> acknowledged = new HashSet<>(tx.ok);

        Set<String> lost = esmes.awaitReceipts(acknowledged, Duration.ofSeconds(120));
        Esmes.printLost(lost, node.store());
        SmscTaken taken = SmscTaken.of(smsc);
        List<String> twice = taken.twice();
        System.out.printf("clock step: ok=%d refused=%d unanswered=%d receipts=%d (distinct %d) throttled=%.0f "
                + "taken by the SMSC=%d twice=%d%n", acknowledged.size(), tx.refused.size(), tx.unanswered.get(),
                esmes.receipts.get(), esmes.receipted.size(), throttled(node), taken.size(), twice.size());
        assertThat(lost).as("acknowledged but never receipted (%d of %d)", lost.size(), acknowledged.size())
                .isEmpty();
        assertThat(twice).as("messages the SMSC took more than once").isEmpty();
        assertThat(KafkaLag.awaitDrained(node.kafkaBootstrap(), Duration.ofSeconds(60)))
                .as("records no consumer group committed, after the steps").isEmpty();
    }

    private static void awaitMore(Esmes.Outcomes tx, int more) {
        int from = tx.ok.size();
        await().atMost(Duration.ofSeconds(60)).until(() -> tx.ok.size() >= from + more);
    }

    private static double throttled(GatewayNode node) {
        var c = node.meters().find("gateway.egress.throttled").tag("connector", "sim").counter();
        return c == null ? 0 : c.count();
    }
}
