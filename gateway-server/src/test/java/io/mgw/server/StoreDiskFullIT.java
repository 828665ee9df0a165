package io.mgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mgw.testkit.smsc.SmscSimulator;
import io.mgw.testkit.store.FullDiskFileSystem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's disk fills up under traffic and is freed again (RELIABILITY.md B.7 item 2, "disk full on store"), on
 * the embedded default: the node's H2 database sits on {@link FullDiskFileSystem}, whose writes fail like a full
 * disk's for 10 s. H2 closes its database on the first failed write; the node keeps taking submits (they are in
 * Kafka), holds routing, sending and receipts until the store takes writes again, reopens it without a restart, and
 * catches up. The oracle: every submit answered ESME_ROK gets its receipt, the SMSC takes no message twice (a
 * submitted mark that could not be written must not send the message again), the store reports itself unhealthy
 * while its disk is full and healthy afterwards, the egress starts no new message meanwhile (what it sends is
 * bounded), and Kafka drains.
 *
 * <p>Found two faults before it passed: the egress sent a message again when its record could not be written
 * (PipelineIT covers it too), and the store writer hung for good rolling back a transaction H2 had closed under it
 * ({@code GuardedH2DataSource}).
 */
class StoreDiskFullIT {

    private static final int SUBMITTERS = 4;

    @TempDir
    Path tmp;

    @AutoClose
    final Closer closer = new Closer();

    @AfterEach
    void freeTheDisk() {
        FullDiskFileSystem.setFull(false);
    }

    @Test
    void aFullStoreDiskFreedAgainLosesNothingAndNeedsNoRestart() throws Exception {
        SmscSimulator smsc = closer.add(new SmscSimulator(SmscSimulator.Settings.defaults()
                .withReceiptDelay(Duration.ofMillis(100)).withRecordLimit(200_000)).start());
        String store = "{type: h2, url: \"" + FullDiskFileSystem.url(tmp.resolve("store").resolve("mgw")) + "\"}";
        GatewayNode node = new GatewayNode(NodeFixture.withSmsc(tmp.resolve("data"), smsc.port(), "", store),
                Optional.empty());
        node.start();
        closer.add(node::close);

        Esmes esmes = closer.add(new Esmes());
        esmes.receiver(node.smppPort());
        Esmes.Outcomes tx = esmes.transmitter(node.smppPort(), SUBMITTERS, 10_000, "disk full ");
        await().atMost(Duration.ofSeconds(60)).until(() -> tx.ok.size() >= 500);

        FullDiskFileSystem.setFull(true);
        int okBefore = tx.ok.size();
        long sentBefore = smsc.submitCount();
        // full for 10 s; submits go on meanwhile
        await().pollDelay(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(60)).until(() -> true);
        int okWhileFull = tx.ok.size() - okBefore;
        long sentWhileFull = smsc.submitCount() - sentBefore;
        boolean healthyWhileFull = node.store().isHealthy();
        FullDiskFileSystem.setFull(false);

        int okFreed = tx.ok.size();
        await().atMost(Duration.ofSeconds(90)).until(() -> tx.ok.size() >= okFreed + 500);
        esmes.stopSubmitting();
        Set<String> acknowledged = new HashSet<>(tx.ok);

        Set<String> lost = esmes.awaitReceipts(acknowledged, Duration.ofSeconds(180));
        Esmes.printLost(lost, node.store());
        System.out.printf("store disk full: ok=%d (of them %d while full) refused=%d unanswered=%d receipts=%d "
                + "(distinct %d) sent to the SMSC while full=%d store healthy while full=%s%n", acknowledged.size(),
                okWhileFull, tx.refused.size(), tx.unanswered.get(), esmes.receipts.get(), esmes.receipted.size(),
                sentWhileFull, healthyWhileFull);
        SmscTaken taken = SmscTaken.of(smsc);
        List<String> twice = taken.twice();
        System.out.printf("store disk full: taken by the SMSC=%d, of them twice or more=%d %s%n", taken.size(),
                twice.size(), twice.stream().limit(5).toList());
        assertThat(lost).as("acknowledged but never receipted (%d of %d)", lost.size(), acknowledged.size())
                .isEmpty();
        assertThat(twice).as("messages the SMSC took more than once").isEmpty();
        assertThat(healthyWhileFull).as("the store's health while its disk was full (readiness must drop)").isFalse();
        // Only what was under way when the disk filled, and what started before the first refused write was seen,
        // goes out: each such message would be sent again by a crash before its record is written. Without the
        // egress's store gate the egress sent on until its in-flight limit was full (about 490 here).
        assertThat(sentWhileFull).as("messages sent to the SMSC while the store refused writes").isLessThan(200);
        assertThat(node.store().isHealthy()).as("the store after the disk was freed").isTrue();
        assertThat(KafkaLag.awaitDrained(node.kafkaBootstrap(), Duration.ofSeconds(60)))
                .as("records no consumer group committed, after the fault").isEmpty();
    }
}
