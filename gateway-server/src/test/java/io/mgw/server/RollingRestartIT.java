package io.mgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mgw.core.text.Gsm7;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
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
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart under traffic (RELIABILITY.md B.7 item 3): two nodes (separate JVMs) share one Kafka broker, one
 * PostgreSQL store and one SMSC; ESMEs bind to both, and rebind to whichever node is up when theirs goes away. Each
 * node in turn gets SIGTERM (it drains: refuses new submits with ESME_RTHROTTLED, answers those in flight, unbinds
 * its clients, hands its partitions over) and is started again. The oracle: every submit answered ESME_ROK gets its
 * receipt ({@code lost = ok - receipted} is empty); refused submits have no id and cannot be delivered; submits sent
 * without an answer are reported.
 */
class RollingRestartIT {

    private static final int SUBMITTERS = 4;

    @TempDir
    Path tmp;

    private ClusterFixture cluster;

    @AfterEach
    void tearDown() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void restartingEachNodeInTurnUnderTrafficLosesNoAcknowledgedMessage() throws Exception {
        cluster = ClusterFixture.start(tmp);
        // the nodes' logs outlive the test, for a failure's diagnosis
        Path logs = Files.createDirectories(Path.of("target", "rolling-restart"));
        int[] smpp = {ClusterFixture.freePort(), ClusterFixture.freePort()};
        int[] http = {ClusterFixture.freePort(), ClusterFixture.freePort()};
        Path[] configs = new Path[2];
        Process[] nodes = new Process[2];
        for (int i = 0; i < 2; i++) {
            configs[i] = tmp.resolve("node" + i + ".yaml");
            Files.writeString(configs[i], cluster.nodeYaml(4 + i, tmp.resolve("data" + i), smpp[i], http[i]));
            nodes[i] = cluster.startNodeProcess(configs[i], logs.resolve("node" + i + "-0.log"));
        }
        ClusterFixture.awaitReady(http[0]);
        ClusterFixture.awaitReady(http[1]);

        // receipts collected by the Esmes helper's listener; these ESMEs bind and rebind themselves
        Esmes esmes = new Esmes();
        Set<String> receipted = esmes.receipted;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean stopReceiving = new AtomicBoolean();
        ExecutorService receivers = Executors.newFixedThreadPool(2);
        ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS);
        // a receiver preferring each node; each rebinds to the other when its node goes away
        for (int i = 0; i < 2; i++) {
            int first = i;
            receivers.submit(() -> receive(smpp, first, stopReceiving, esmes.collector()));
        }
        Set<String> ok = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger unanswered = new AtomicInteger();
        AtomicInteger seq = new AtomicInteger();
        for (int t = 0; t < SUBMITTERS; t++) {
            int first = t % 2;
            submitters.submit(() -> submit(smpp, first, stop, seq, ok, refused, unanswered));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> ok.size() >= 300);
        for (int i = 0; i < 2; i++) {
            int before = ok.size();
            nodes[i].destroy(); // SIGTERM: the node drains, then exits
            assertThat(nodes[i].waitFor(90, TimeUnit.SECONDS)).as("node %d exits after its drain", i).isTrue();
            assertThat(nodes[i].exitValue()).as("node %d exit code", i).isIn(0, 143);
            // the other node kept taking traffic meanwhile
            assertThat(ok.size()).isGreaterThan(before);
            nodes[i] = cluster.startNodeProcess(configs[i], logs.resolve("node" + i + "-1.log"));
            ClusterFixture.awaitReady(http[i]);
            int now = ok.size();
            await().atMost(Duration.ofSeconds(60)).until(() -> ok.size() >= now + 300);
        }
        stop.set(true); // the submitters; the receivers stay bound until every receipt is in
        submitters.shutdown();
        assertThat(submitters.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        Set<String> acknowledged = Set.copyOf(ok);

        Set<String> lost = esmes.awaitReceipts(acknowledged, Duration.ofSeconds(180));
        HttpClient api = HttpClient.newHttpClient();
        for (String id : lost.stream().limit(5).toList()) {
            HttpResponse<String> r = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http[0]
                    + "/api/v1/messages/" + id)).build(), HttpResponse.BodyHandlers.ofString());
            System.out.println("missing receipt for " + id + ": " + r.statusCode() + " " + r.body());
        }
        System.out.printf("rolling restart: ok=%d refused=%d unanswered=%d receipts=%d (distinct %d, %d of them for"
                + " submits without an answer)%n", acknowledged.size(), refused.get(), unanswered.get(),
                esmes.receipts.get(), receipted.size(), receipted.size() - (acknowledged.size() - lost.size()));
        try {
            assertThat(lost).as("acknowledged but never receipted (%d of %d)", lost.size(), acknowledged.size())
                    .isEmpty();
            // with the receivers still bound: their deliveries' commits are part of the drain
            assertThat(KafkaLag.awaitDrained(cluster.bootstrap(), Duration.ofSeconds(60)))
                    .as("records no consumer group committed, after the faults").isEmpty();
        } finally {
            stopReceiving.set(true);
        }
        receivers.shutdown();
        assertThat(receivers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    /** Submits until stopped, on a transmitter bind to node {@code first}, then to whichever node takes it. */
    private static Void submit(int[] ports, int first, AtomicBoolean stop, AtomicInteger seq, Set<String> ok,
            AtomicInteger refused, AtomicInteger unanswered) {
        int node = first;
        while (!stop.get()) {
            SMPPSession tx = bind(ports, node, BindType.BIND_TX, null);
            if (tx == null) {
                node = 1 - node;
                continue;
            }
            try {
                while (!stop.get() && tx.getSessionState().isBound()) {
                    int n = seq.incrementAndGet();
                    try {
                        var r = tx.submitShortMessage("", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, "mgw",
                                TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "4479" + (1000000 + n % 500),
                                new ESMClass(), (byte) 0, (byte) 0, null, null,
                                new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0,
                                DataCodings.ZERO, (byte) 0, Gsm7.encode("rolling " + n), new OptionalParameter[0]);
                        ok.add(r.getMessageId());
                    } catch (NegativeResponseException e) {
                        refused.incrementAndGet(); // ESME_RTHROTTLED while the node drains: not taken
                    } catch (Exception e) {
                        // no answer (a timeout, or the session closed under it): the outcome is unknown, Jepsen's
                        // :info; it may have been taken and then gets its receipt
                        unanswered.incrementAndGet();
                    }
                }
            } finally {
                tx.unbindAndClose();
            }
            node = 1 - node;
        }
        return null;
    }

    /** Holds a receiver bind, to node {@code first} and then to whichever node takes it, until stopped. */
    private static Void receive(int[] ports, int first, AtomicBoolean stop, MessageReceiverListener listener)
            throws InterruptedException {
        int node = first;
        while (!stop.get()) {
            SMPPSession rx = bind(ports, node, BindType.BIND_RX, listener);
            if (rx != null) {
                CountDownLatch gone = new CountDownLatch(1);
                rx.addSessionStateListener((now, before, source) -> {
                    if (!now.isBound()) {
                        gone.countDown();
                    }
                });
                try {
                    // a receiver only waits; its deliveries come on jSMPP's threads
                    while (!stop.get() && rx.getSessionState().isBound() && !gone.await(200, TimeUnit.MILLISECONDS)) {
                        // until the node unbinds it, or the test ends
                    }
                } finally {
                    rx.unbindAndClose();
                }
            }
            node = 1 - node;
        }
        return null;
    }

    /**
     * A bind, or null if the node does not take it now (down, or draining); before a null, waits until one of the
     * nodes listens again (a node restarts within seconds).
     */
    private static SMPPSession bind(int[] ports, int node, BindType type, MessageReceiverListener listener) {
        SMPPSession s = new SMPPSession();
        s.setTransactionTimer(5_000);
        if (listener != null) {
            s.setMessageReceiverListener(listener);
        }
        try {
            s.connectAndBind("127.0.0.1", ports[node], new BindParameter(type, "demo", "demopass", "",
                    TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null), 5_000);
            return s;
        } catch (Exception e) {
            s.close();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> ClusterFixture.accepts(ports[0]) || ClusterFixture.accepts(ports[1]));
            return null;
        }
    }
}
