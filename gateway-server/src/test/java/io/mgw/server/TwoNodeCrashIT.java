package io.mgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mgw.core.text.Gsm7;
import io.mgw.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Two nodes sharing one Kafka broker, one PostgreSQL store and one SMSC: an ESME submits on node A (a separate JVM)
 * and receives receipts on a receiver bind held on node B. Node A is killed hard (SIGKILL) in the middle of traffic.
 * The oracle (RELIABILITY.md B.7): every submit acknowledged with ESME_ROK must get its receipt at node B
 * ({@code lost = ok - receipted} is empty); submits whose response never came are "info" and may or may not arrive.
 */
class TwoNodeCrashIT {

    @TempDir
    Path tmp;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void killingTheSubmittingNodeLosesNoAcknowledgedMessage() throws Exception {
        ClusterFixture cluster = ClusterFixture.start(tmp);
        toClose.add(cluster);
        int smppA = ClusterFixture.freePort();
        int httpA = ClusterFixture.freePort();
        Path configA = tmp.resolve("a.yaml");
        Files.writeString(configA, cluster.nodeYaml(2, tmp.resolve("a"), smppA, httpA));
        Path configB = tmp.resolve("b.yaml");
        Files.writeString(configB, cluster.nodeYaml(3, tmp.resolve("b"), 0, 0));

        Process nodeA = cluster.startNodeProcess(configA, tmp.resolve("node-a.log"));
        GatewayNode nodeB = new GatewayNode(ConfigLoader.load(configB, Map.of()), java.util.Optional.empty());
        nodeB.start();
        toClose.add(nodeB::close);
        ClusterFixture.awaitReady(httpA);

        // receiver on node B
        Set<String> receipted = ConcurrentHashMap.newKeySet();
        AtomicInteger receiptCount = new AtomicInteger();
        SMPPSession rx = new SMPPSession();
        rx.setMessageReceiverListener(ClusterFixture.receiptsInto(receipted, receiptCount));
        rx.connectAndBind("127.0.0.1", nodeB.smppPort(), new BindParameter(BindType.BIND_RX, "demo", "demopass", "",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null), 10_000);
        toClose.add(rx::unbindAndClose);

        // transmitter on node A, several submitters in parallel
        SMPPSession tx = new SMPPSession();
        tx.setTransactionTimer(5_000);
        tx.connectAndBind("127.0.0.1", smppA, new BindParameter(BindType.BIND_TX, "demo", "demopass", "",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null), 10_000);
        Set<String> ok = ConcurrentHashMap.newKeySet();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger unknown = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger seq = new AtomicInteger();
        ExecutorService submitters = Executors.newFixedThreadPool(8);
        for (int t = 0; t < 8; t++) {
            submitters.submit(() -> {
                while (!stop.get()) {
                    int n = seq.incrementAndGet();
                    try {
                        var r = tx.submitShortMessage("", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, "mgw",
                                TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "4479" + (1000000 + n % 500),
                                new ESMClass(), (byte) 0, (byte) 0, null, null,
                                new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0,
                                DataCodings.ZERO, (byte) 0, Gsm7.encode("crash test " + n), new OptionalParameter[0]);
                        ok.add(r.getMessageId());
                    } catch (NegativeResponseException e) {
                        failed.incrementAndGet();
                    } catch (Exception e) {
                        unknown.incrementAndGet(); // no response: outcome unknown (Jepsen's :info)
                        if (!tx.getSessionState().isBound()) {
                            return null;
                        }
                    }
                }
                return null;
            });
        }
        // let traffic flow, then kill node A in the middle of it
        await().atMost(Duration.ofSeconds(60)).until(() -> ok.size() >= 1_500);
        nodeA.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        stop.set(true);
        submitters.shutdown();
        assertThat(submitters.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        Set<String> acknowledged = Set.copyOf(ok);

        // node B takes over A's partitions (after the consumer session timeout) and every acked message gets a receipt
        try {
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> receipted.containsAll(acknowledged));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // fall through to the assertion, which names what is missing and where those messages stand
        }
        Set<String> lost = new java.util.HashSet<>(acknowledged);
        lost.removeAll(receipted);
        lost.stream().limit(5).forEach(id -> System.out.println("missing receipt for " + id + ": "
                + nodeB.store().find(io.mgw.core.model.MessageId.parse(id))
                        .map(r -> r.status() + " " + r.history()).orElse("not in the store")));
        assertThat(lost).as("acknowledged but never receipted (%d of %d)", lost.size(), acknowledged.size())
                .isEmpty();
        assertThat(KafkaLag.awaitDrained(cluster.bootstrap(), Duration.ofSeconds(60)))
                .as("records no consumer group committed, after the faults").isEmpty();
        System.out.printf("two-node crash: ok=%d failed=%d unknown=%d receipts=%d (distinct %d)%n",
                acknowledged.size(), failed.get(), unknown.get(), receiptCount.get(), receipted.size());
    }
}
