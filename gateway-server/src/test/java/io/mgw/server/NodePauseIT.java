package io.mgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mgw.core.model.MessageId;
import io.mgw.core.text.Gsm7;
import io.mgw.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterEach;
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

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void aNodeFrozenPastItsSessionTimeoutAndThawedLosesNoAcknowledgedMessage() throws Exception {
        ClusterFixture cluster = ClusterFixture.start(tmp);
        toClose.add(cluster);
        Path logs = Files.createDirectories(Path.of("target", "node-pause"));
        int smppA = ClusterFixture.freePort();
        int httpA = ClusterFixture.freePort();
        Path configA = tmp.resolve("a.yaml");
        Files.writeString(configA, cluster.nodeYaml(2, tmp.resolve("a"), smppA, httpA));
        Path configB = tmp.resolve("b.yaml");
        Files.writeString(configB, cluster.nodeYaml(3, tmp.resolve("b"), 0, 0));
        Process nodeA = cluster.startNodeProcess(configA, logs.resolve("node-a.log"));
        // continued whatever happens, so that the fixture can end it
        toClose.add(() -> signal(nodeA, "CONT"));
        GatewayNode nodeB = new GatewayNode(ConfigLoader.load(configB, Map.of()), Optional.empty());
        nodeB.start();
        toClose.add(nodeB::close);
        ClusterFixture.awaitReady(httpA);

        Set<String> receipted = ConcurrentHashMap.newKeySet();
        AtomicInteger receiptCount = new AtomicInteger();
        SMPPSession rx = new SMPPSession();
        rx.setMessageReceiverListener(ClusterFixture.receiptsInto(receipted, receiptCount));
        rx.connectAndBind("127.0.0.1", nodeB.smppPort(), new BindParameter(BindType.BIND_RX, "demo", "demopass", "",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null), 10_000);
        toClose.add(rx::unbindAndClose);

        Set<String> okA = ConcurrentHashMap.newKeySet();
        Set<String> okB = ConcurrentHashMap.newKeySet();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger unanswered = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger seq = new AtomicInteger();
        ExecutorService submitters = Executors.newFixedThreadPool(2 * SUBMITTERS_PER_NODE);
        SMPPSession txA = transmitter(smppA);
        toClose.add(txA::unbindAndClose);
        SMPPSession txB = transmitter(nodeB.smppPort());
        toClose.add(txB::unbindAndClose);
        for (int t = 0; t < SUBMITTERS_PER_NODE; t++) {
            submitters.submit(() -> submitUntil(stop, txA, seq, okA, failed, unanswered));
            submitters.submit(() -> submitUntil(stop, txB, seq, okB, failed, unanswered));
        }

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
        stop.set(true);
        submitters.shutdown();
        assertThat(submitters.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        Set<String> acknowledged = new HashSet<>(okA);
        acknowledged.addAll(okB);

        try {
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> receipted.containsAll(acknowledged));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // fall through to the assertion, which names what is missing and where those messages stand
        }
        Set<String> lost = new HashSet<>(acknowledged);
        lost.removeAll(receipted);
        lost.stream().limit(5).forEach(id -> System.out.println("missing receipt for " + id + ": "
                + nodeB.store().find(MessageId.parse(id)).map(r -> r.status() + " " + r.history())
                        .orElse("not in the store")));
        System.out.printf("node pause: ok=%d (node A %d, of them %d while frozen; node B %d) failed=%d "
                + "unanswered=%d receipts=%d (distinct %d)%n", acknowledged.size(), okA.size(), aWhileFrozen,
                okB.size(), failed.get(), unanswered.get(), receiptCount.get(), receipted.size());
        // a frozen node answers nothing (beyond the responses of its submitters' last submits, sent before the stop)
        assertThat(aWhileFrozen).isLessThanOrEqualTo(SUBMITTERS_PER_NODE);
        assertThat(lost).as("acknowledged but never receipted (%d of %d)", lost.size(), acknowledged.size())
                .isEmpty();
        assertThat(KafkaLag.awaitDrained(cluster.bootstrap(), Duration.ofSeconds(60)))
                .as("records no consumer group committed, after the faults").isEmpty();
    }

    private static SMPPSession transmitter(int port) throws Exception {
        SMPPSession tx = new SMPPSession();
        tx.setTransactionTimer(5_000);
        tx.connectAndBind("127.0.0.1", port, new BindParameter(BindType.BIND_TX, "demo", "demopass", "",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null), 10_000);
        return tx;
    }

    private static Void submitUntil(AtomicBoolean stop, SMPPSession tx, AtomicInteger seq, Set<String> ok,
            AtomicInteger failed, AtomicInteger unanswered) {
        while (!stop.get() && tx.getSessionState().isBound()) {
            int n = seq.incrementAndGet();
            try {
                var r = tx.submitShortMessage("", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, "mgw",
                        TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "4479" + (1000000 + n % 500),
                        new ESMClass(), (byte) 0, (byte) 0, null, null,
                        new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0, DataCodings.ZERO,
                        (byte) 0, Gsm7.encode("pause test " + n), new OptionalParameter[0]);
                ok.add(r.getMessageId());
            } catch (NegativeResponseException e) {
                failed.incrementAndGet();
            } catch (Exception e) {
                unanswered.incrementAndGet(); // no answer in 5 s (node A frozen): outcome unknown
            }
        }
        return null;
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
