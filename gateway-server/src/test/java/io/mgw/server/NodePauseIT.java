package io.mgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
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
 * once), submits without an answer (A's, during the pause) may or may not arrive; the thawed node does not handle
 * again what B handled meanwhile (it asks its group first, StallGuard).
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
        // where receipts twice come from, should there be many (764 and 1,545 in two CI runs, single digits in most):
        // reports forwarded more than once (gw.report handled again after the takeover) or deliveries retried
        String scrapeA = scrape(httpA);
        System.out.printf("node pause: node B %s; node A %s%n", counters(nodeB.meters().scrape()), counters(scrapeA));
        // the thawed node asks its group before going on with what it held (StallGuard): before, it handled the
        // receipts read up to the freeze and went on reading from there, 7,361 receipts that node B had handled
        // already (and forwarded again those whose final event B had not written yet)
        assertThat(counter(scrapeA, "gateway_receipt_duplicate_total"))
                .as("receipts node A handled after its thaw that were handled already").isBetween(0L, 1_000L);
        // a frozen node answers nothing (beyond the responses of its submitters' last submits, sent before the stop)
        assertThat(aWhileFrozen).isLessThanOrEqualTo(SUBMITTERS_PER_NODE);
        assertThat(lost).as("acknowledged but never receipted (%d of %d)", lost.size(), acknowledged.size())
                .isEmpty();
        assertThat(KafkaLag.awaitDrained(cluster.bootstrap(), Duration.ofSeconds(60)))
                .as("records no consumer group committed, after the faults").isEmpty();
    }

    private static final List<String> COUNTERS = List.of("gateway_receipt_correlated_total",
            "gateway_receipt_forwarded_total", "gateway_receipt_duplicate_total", "gateway_receipt_retried_total",
            "gateway_receipt_event_retried_total", "gateway_delivery_client_delivered_total",
            "gateway_delivery_client_retried_total");

    /** The receipt and client-delivery counters of a Prometheus scrape, as name=value. */
    private static String counters(String scrape) {
        StringBuilder out = new StringBuilder();
        for (String line : scrape.split("\n")) {
            for (String name : COUNTERS) {
                if (line.startsWith(name + " ")) {
                    out.append(out.isEmpty() ? "" : " ").append(name, "gateway_".length(), name.length() - 6)
                            .append('=').append(line.substring(name.length() + 1).replace(".0", ""));
                }
            }
        }
        return out.toString();
    }

    /** A counter's value in a Prometheus scrape; -1 if it is not there. */
    private static long counter(String scrape, String name) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + " ")) {
                return (long) Double.parseDouble(line.substring(name.length() + 1).strip());
            }
        }
        return -1;
    }

    private static String scrape(int httpPort) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "(no metrics: " + e + ")";
        }
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
