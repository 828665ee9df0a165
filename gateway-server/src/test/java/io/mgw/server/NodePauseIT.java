package io.mgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node frozen and thawed under traffic (RELIABILITY.md B.7 item 2, "gateway SIGSTOP"; the stand-in for a long GC
 * pause or a stalled VM). Two nodes share Kafka, PostgreSQL and the SMSC; ESMEs submit on both, receipts come to a
 * receiver on node B. Node A (its own process) is stopped with SIGSTOP for longer than its Kafka consumers' session
 * timeout (10 s), so node B takes its partitions over while A still believes it holds them, then continued with
 * SIGCONT: A's consumers are fenced, its late commits refused, its queued work redone by B or by itself. The oracle:
 * every submit answered ESME_ROK, on either node, gets its receipt; receipts delivered twice are counted (at least
 * once), submits without an answer (A's, during the pause) may or may not arrive.
 */
class NodePauseIT {

    private static final int SUBMITTERS_PER_NODE = 4;

    @TempDir
    Path tmp;

    @AutoClose
    final Closer closer = new Closer();

    @Test
    void aNodeFrozenPastItsSessionTimeoutAndThawedLosesNoAcknowledgedMessage() throws Exception {
        ClusterFixture cluster = ClusterFixture.start(tmp);
        closer.add(cluster);
        Path logs = Files.createDirectories(Path.of("target", "node-pause"));
        int smppA = ClusterFixture.freePort();
        int httpA = ClusterFixture.freePort();
        Path configA = tmp.resolve("a.yaml");
        Files.writeString(configA, cluster.nodeYaml(2, tmp.resolve("a"), smppA, httpA));
        Process nodeA = cluster.startNodeProcess(configA, logs.resolve("node-a.log"));
        // continued whatever happens, so that the fixture can end it
        closer.add(() -> signal(nodeA, "CONT"));
        GatewayNode nodeB = cluster.startNode(3, tmp.resolve("b"));
        ClusterFixture.awaitReady(httpA);

        Esmes esmes = closer.add(new Esmes());
        esmes.receiver(nodeB.smppPort());
        Esmes.Outcomes onA = esmes.transmitter(smppA, SUBMITTERS_PER_NODE, 5_000, "pause test ");
        Esmes.Outcomes onB = esmes.transmitter(nodeB.smppPort(), SUBMITTERS_PER_NODE, 5_000, "pause test ");
        Set<String> okA = onA.ok;
        Set<String> okB = onB.ok;

        await().atMost(Duration.ofSeconds(60)).until(() -> okA.size() >= 500 && okB.size() >= 500);
        signal(nodeA, "STOP");
        int bBefore = okB.size();
        int aFrozen = okA.size();
        // frozen for at least 15 s (past the 10 s consumer session timeout); node B goes on meanwhile
        await().pollDelay(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(60))
                .until(() -> okB.size() >= bBefore + 300);
        int aWhileFrozen = okA.size() - aFrozen;
        signal(nodeA, "CONT");
        // node A serves again after its thaw
        int aThawed = okA.size();
        await().atMost(Duration.ofSeconds(90)).until(() -> okA.size() >= aThawed + 300);
        esmes.stopSubmitting();
        Set<String> acknowledged = new HashSet<>(okA);
        acknowledged.addAll(okB);

        Set<String> lost = esmes.awaitReceipts(acknowledged, Duration.ofSeconds(240));
        Esmes.printLost(lost, nodeB.store());
        System.out.printf("node pause: ok=%d (node A %d, of them %d while frozen; node B %d) failed=%d "
                + "unanswered=%d receipts=%d (distinct %d)%n", acknowledged.size(), okA.size(), aWhileFrozen,
                okB.size(), onA.refused.size() + onB.refused.size(), onA.unanswered.get() + onB.unanswered.get(),
                esmes.receipts.get(), esmes.receipted.size());
        // a frozen node answers nothing (beyond the responses of its submitters' last submits, sent before the stop)
        assertThat(aWhileFrozen).isLessThanOrEqualTo(SUBMITTERS_PER_NODE);
        assertThat(lost).as("acknowledged but never receipted (%d of %d)", lost.size(), acknowledged.size())
                .isEmpty();
        assertThat(KafkaLag.awaitDrained(cluster.bootstrap(), Duration.ofSeconds(60)))
                .as("records no consumer group committed, after the faults").isEmpty();
    }

    /** Sends SIGSTOP or SIGCONT to a process. */
    private static void signal(Process p, String signal) throws Exception {
        if (!p.isAlive()) {
            return;
        }
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s %d", signal, p.pid()).isZero();
    }
}
