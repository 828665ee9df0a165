package io.mgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes sharing one Kafka broker, one PostgreSQL store and one SMSC: an ESME submits on node A (a separate JVM)
 * and receives receipts on a receiver bind held on node B. Node A is killed hard (SIGKILL) in the middle of traffic.
 * The oracle (RELIABILITY.md B.7): every submit acknowledged with ESME_ROK must get its receipt at node B
 * ({@code lost = ok - receipted} is empty); submits whose response never came are "info" and may or may not arrive.
 */
class TwoNodeCrashIT {

    @TempDir
    Path tmp;

    @AutoClose
    final Closer closer = new Closer();

    @Test
    void killingTheSubmittingNodeLosesNoAcknowledgedMessage() throws Exception {
        ClusterFixture cluster = ClusterFixture.start(tmp);
        closer.add(cluster);
        int smppA = ClusterFixture.freePort();
        int httpA = ClusterFixture.freePort();
        Path configA = tmp.resolve("a.yaml");
        Files.writeString(configA, cluster.nodeYaml(2, tmp.resolve("a"), smppA, httpA));

        Process nodeA = cluster.startNodeProcess(configA, tmp.resolve("node-a.log"));
        GatewayNode nodeB = cluster.startNode(3, tmp.resolve("b"));
        ClusterFixture.awaitReady(httpA);

        Esmes esmes = new Esmes();
        closer.add(esmes);
        esmes.receiver(nodeB.smppPort());
        Esmes.Outcomes tx = esmes.transmitter(smppA, 8, 5_000, "crash test ");
        // let traffic flow, then kill node A in the middle of it
        await().atMost(Duration.ofSeconds(60)).until(() -> tx.ok.size() >= 1_500);
        nodeA.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        esmes.stopSubmitting();
        Set<String> acknowledged = Set.copyOf(tx.ok);

        // node B takes over A's partitions (after the consumer session timeout) and every acked message gets a receipt
        Set<String> lost = esmes.awaitReceipts(acknowledged, Duration.ofSeconds(240));
        Esmes.printLost(lost, nodeB.store());
        System.out.printf("two-node crash: ok=%d failed=%d unknown=%d receipts=%d (distinct %d)%n",
                acknowledged.size(), tx.refused.size(), tx.unanswered.get(), esmes.receipts.get(),
                esmes.receipted.size());
        assertThat(lost).as("acknowledged but never receipted (%d of %d)", lost.size(), acknowledged.size())
                .isEmpty();
        assertThat(KafkaLag.awaitDrained(cluster.bootstrap(), Duration.ofSeconds(60)))
                .as("records no consumer group committed, after the faults").isEmpty();
    }
}
