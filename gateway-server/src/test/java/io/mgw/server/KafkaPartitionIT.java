package io.mgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition between a node and its Kafka cluster that heals (RELIABILITY.md B.7 item 2, "partition gateway-Kafka"):
 * three brokers (RF 3, min ISR 2) that still see each other, one node whose every connection to them goes through a
 * {@link io.mgw.testkit.net.FaultProxy}. Under traffic the proxies hold everything until the node has refused a
 * submit of each of the ESME's submitters (the producer gives up after its 15 s delivery timeout; the consumers'
 * 10 s session timeout has passed by then), then let it through late.
 *
 * <p>Oracles: every submit answered ESME_ROK gets its receipt (nothing acknowledged is lost); the node answers while
 * cut off (a temporary error, not silence); after the heal it takes traffic again and Kafka drains; and no submit
 * refused with an error is delivered all the same ("aborted" in Jepsen's terms; found by the text the receipts
 * quote). The last is the withdrawal's doing ({@code IngressWithdrawal}): a produce request the producer gave up on
 * may have been written and turns up after the heal (before the withdrawal, 5 and 7 of 10 refused submits were
 * delivered in two runs).
 */
class KafkaPartitionIT {

    private static final int SUBMITTERS = 8;

    @TempDir
    Path tmp;

    @AutoClose
    final Closer closer = new Closer();

    @Test
    void aPartitionFromKafkaThatHealsLosesNoAcknowledgedMessage() throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "kafka-partition"));
        KafkaTrio brokers = KafkaTrio.start(tmp.resolve("kafka"), logs);
        ClusterFixture cluster = ClusterFixture.start(tmp, brokers);
        closer.add(cluster);
        GatewayNode node = cluster.startNode(2, tmp.resolve("node"));

        Esmes esmes = closer.add(new Esmes());
        esmes.receiver(node.smppPort());
        // the ESME waits longer than the node's answer to a submit Kafka does not take (the producer's 15 s delivery
        // timeout, + 1 s)
        Esmes.Outcomes tx = esmes.transmitter(node.smppPort(), SUBMITTERS, 30_000, "kp ");
        Set<String> ok = tx.ok;
        Set<String> refusedTexts = tx.refused;

        await().atMost(Duration.ofSeconds(90)).until(() -> ok.size() >= 500);
        brokers.partitionClients();
        int okAtCut = ok.size();
        // the node answers while cut off: each submitter's submit is refused once the producer gives up on it
        await().atMost(Duration.ofSeconds(60)).until(() -> refusedTexts.size() >= SUBMITTERS);
        int okWhileCut = ok.size() - okAtCut;
        brokers.heal();
        int okAtHeal = ok.size();
        await().atMost(Duration.ofSeconds(120)).until(() -> ok.size() >= okAtHeal + 500);
        esmes.stopSubmitting();
        Set<String> acknowledged = Set.copyOf(ok);

        Set<String> lost = esmes.awaitReceipts(acknowledged, Duration.ofSeconds(240));
        Esmes.printLost(lost, node.store());
        Set<String> aborted = new HashSet<>(refusedTexts);
        aborted.retainAll(esmes.receiptTexts);
        double flagged = node.meters().counter("gateway.ingress.message.unknown").count();
        double withdrawn = node.meters().counter("gateway.ingress.withdrawn").count();
        double skipped = node.meters().counter("gateway.egress.withdrawn.skipped", "connector", "sim").count();
        System.out.printf("Kafka partition: ok=%d (%d answered while cut off) refused=%d (maybe written: %.0f,"
                + " withdrawn: %.0f, turned up and skipped: %.0f, delivered all the same: %d) unanswered=%d"
                + " receipts=%d (distinct %d)%n", acknowledged.size(), okWhileCut, refusedTexts.size(), flagged,
                withdrawn, skipped, aborted.size(), tx.unanswered.get(), esmes.receipts.get(), esmes.receipted.size());
        assertThat(lost).as("acknowledged but never receipted (%d of %d)", lost.size(), acknowledged.size())
                .isEmpty();
        // refused on a timeout, withdrawn, and not delivered even where Kafka had taken it (IngressWithdrawal)
        assertThat(withdrawn).isEqualTo(flagged);
        assertThat(aborted).as("refused to the ESME and delivered all the same").isEmpty();
        assertThat(KafkaLag.awaitDrained(brokers.internalBootstrap(), Duration.ofSeconds(60)))
                .as("records no consumer group committed, after the partition").isEmpty();
    }
}
