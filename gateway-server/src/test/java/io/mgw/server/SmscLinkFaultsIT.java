package io.mgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.store.MessageRecord;
import io.mgw.core.text.Gsm7;
import io.mgw.server.config.ConfigLoader;
import io.mgw.testkit.net.FaultProxy;
import io.mgw.testkit.smsc.ReceivedSubmit;
import io.mgw.testkit.smsc.SmscSimulator;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Faults on the link between a node and its SMSC, under traffic (RELIABILITY.md B.7 item 2: "fake-SMSC RST
 * mid-window", "fake-SMSC stall", "partition gateway-SMSC"). The connector reaches the simulator through a
 * {@link FaultProxy}; while ESMEs submit, the proxy resets every connection (twice), then holds all traffic for longer
 * than the connector's response timeout and lets it through late, then resets again.
 *
 * <p>Oracles, after the faults stop and the node is quiet:
 * <ul>
 *   <li>every submit answered ESME_ROK ended: its receipt reached the ESME, or its store status is UNKNOWN (sent, no
 *       answer: never resubmitted). None is left ACCEPTED, ROUTED or SUBMITTED without a receipt;
 *   <li>the SMSC took each message at most once: a submit whose outcome we do not know is not sent again;
 *   <li>every message whose submit_sm_resp the connector got (status not UNKNOWN) got its receipt.
 * </ul>
 */
class SmscLinkFaultsIT {

    private static final int SUBMITTERS = 4;

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
    void resetsAndAStallOnTheSmscLinkLoseNothingAndSendNothingTwice() throws Exception {
        SmscSimulator smsc = new SmscSimulator(SmscSimulator.Settings.defaults()
                .withReceiptDelay(Duration.ofMillis(100)).withRecordLimit(200_000)).start();
        toClose.add(smsc);
        FaultProxy proxy = new FaultProxy("127.0.0.1", smsc.port()).start();
        toClose.add(proxy);
        GatewayNode node = new GatewayNode(ConfigLoader.parse(new StringReader(yaml(proxy.port())), Map.of()),
                Optional.empty());
        node.start();
        toClose.add(node::close);

        Set<String> receipted = ConcurrentHashMap.newKeySet();
        AtomicInteger receiptCount = new AtomicInteger();
        SMPPSession rx = new SMPPSession();
        rx.setMessageReceiverListener(ClusterFixture.receiptsInto(receipted, receiptCount));
        rx.connectAndBind("127.0.0.1", node.smppPort(), new BindParameter(BindType.BIND_RX, "demo", "demopass", "",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null), 10_000);
        toClose.add(rx::unbindAndClose);
        SMPPSession tx = new SMPPSession();
        tx.setTransactionTimer(10_000);
        tx.connectAndBind("127.0.0.1", node.smppPort(), new BindParameter(BindType.BIND_TX, "demo", "demopass", "",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null), 10_000);
        toClose.add(tx::unbindAndClose);

        // message id -> the text sent, to find it among what the SMSC took
        Map<String, String> ok = new ConcurrentHashMap<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger unanswered = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger seq = new AtomicInteger();
        ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS);
        for (int t = 0; t < SUBMITTERS; t++) {
            submitters.submit(() -> {
                while (!stop.get() && tx.getSessionState().isBound()) {
                    int n = seq.incrementAndGet();
                    String text = "link fault " + n;
                    try {
                        var r = tx.submitShortMessage("", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, "mgw",
                                TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "4479" + (1000000 + n % 500),
                                new ESMClass(), (byte) 0, (byte) 0, null, null,
                                new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0,
                                DataCodings.ZERO, (byte) 0, Gsm7.encode(text), new OptionalParameter[0]);
                        ok.put(r.getMessageId(), text);
                    } catch (NegativeResponseException e) {
                        failed.incrementAndGet();
                    } catch (Exception e) {
                        unanswered.incrementAndGet();
                    }
                }
                return null;
            });
        }

        awaitSubmitted(smsc, 300);
        proxy.resetAll();
        awaitSubmitted(smsc, 300);
        proxy.resetAll();
        awaitSubmitted(smsc, 300);
        // held until the connector gave up on what was in flight (its 2 s response timeout): that arrives late
        proxy.pause();
        long before = smsc.submitCount();
        double givenUpBefore = givenUp(node);
        await().atMost(Duration.ofSeconds(30)).until(() -> givenUp(node) > givenUpBefore);
        assertThat(smsc.submitCount()).as("nothing reaches the SMSC while the link is held").isEqualTo(before);
        proxy.resume();
        awaitSubmitted(smsc, 300);
        proxy.resetAll();
        awaitSubmitted(smsc, 300);
        stop.set(true);
        submitters.shutdown();
        assertThat(submitters.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        // quiet: every acknowledged message has a receipt or is settled UNKNOWN
        Map<String, String> acknowledged = Map.copyOf(ok);
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> unsettled(node, acknowledged.keySet(), receipted).isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // fall through to the assertions, which say what is left
        }
        List<String> open = unsettled(node, acknowledged.keySet(), receipted);
        open.stream().limit(5).forEach(id -> System.out.println("unsettled " + id + ": " + node.store()
                .find(MessageId.parse(id)).map(r -> r.status() + " " + r.history()).orElse("not in the store")));

        // what the SMSC took (answered with an id), counted per text
        Map<String, Integer> taken = new HashMap<>();
        for (ReceivedSubmit s : smsc.receivedSubmits()) {
            if (!s.messageId().isEmpty()) {
                taken.merge(Gsm7.decode(s.shortMessage()), 1, Integer::sum);
            }
        }
        List<String> twice = taken.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        int unknown = 0;
        List<String> answeredWithoutReceipt = new ArrayList<>();
        for (String id : acknowledged.keySet()) {
            if (receipted.contains(id)) {
                continue;
            }
            MessageStatus s = node.store().find(MessageId.parse(id)).map(MessageRecord::status).orElse(null);
            if (s == MessageStatus.UNKNOWN) {
                unknown++;
            } else {
                answeredWithoutReceipt.add(id + " " + s);
            }
        }
        System.out.printf("SMSC link faults: ok=%d failed=%d unanswered=%d receipts=%d (distinct %d) unknown=%d "
                + "taken by the SMSC=%d resets=%d connections=%d%n", acknowledged.size(), failed.get(),
                unanswered.get(), receiptCount.get(), receipted.size(), unknown, taken.size(), proxy.resets(),
                proxy.accepted());
        assertThat(open).as("acknowledged, neither receipted nor settled UNKNOWN").isEmpty();
        assertThat(answeredWithoutReceipt).as("submitted (answered by the SMSC) but no receipt").isEmpty();
        assertThat(twice).as("messages the SMSC took more than once").isEmpty();
        assertThat(proxy.resets()).as("the faults happened").isGreaterThanOrEqualTo(3);
        assertThat(KafkaLag.awaitDrained(node.kafkaBootstrap(), Duration.ofSeconds(60)))
                .as("records no consumer group committed, after the faults").isEmpty();
    }

    /** Acknowledged ids that have no receipt yet and are not settled UNKNOWN in the store. */
    private static List<String> unsettled(GatewayNode node, Set<String> ids, Set<String> receipted) {
        List<String> open = new ArrayList<>();
        for (String id : ids) {
            if (receipted.contains(id)) {
                continue;
            }
            var status = node.store().find(MessageId.parse(id)).map(MessageRecord::status);
            if (status.isEmpty() || status.get() != MessageStatus.UNKNOWN) {
                open.add(id);
            }
        }
        return open;
    }

    /** Submits the egress stopped waiting for: unknown outcomes, and temporary failures it will try again. */
    private static double givenUp(GatewayNode node) {
        double n = 0;
        for (String name : List.of("gateway.egress.unknown", "gateway.egress.retried")) {
            var c = node.meters().find(name).tag("connector", "sim").counter();
            n += c == null ? 0 : c.count();
        }
        return n;
    }

    private static void awaitSubmitted(SmscSimulator smsc, int more) {
        long now = smsc.submitCount();
        await().atMost(Duration.ofSeconds(60)).until(() -> smsc.submitCount() >= now + more);
    }

    private String yaml(int smscPort) {
        return """
                node: {site: test, siteId: 7, nodeId: 1, name: link-faults, dataDir: "%s"}
                listeners:
                  smpp: {host: 127.0.0.1, port: 0}
                  http: {host: 127.0.0.1, port: 0}
                kafka: {ingressPartitions: 4, deliverPartitions: 2}
                store: {type: h2}
                accounts:
                  - id: demo
                    password: demopass
                    window: 100
                connectors:
                  - id: sim
                    type: smpp
                    partitions: 4
                    settings: {host: 127.0.0.1, port: "%d", systemId: gateway, password: gwpass, bindsPerNode: "2",
                               window: "20", responseTimeout: 2s, enquireLinkInterval: 1s, bindTimeout: 2s,
                               reconnectBackoffMin: 100ms, reconnectBackoffMax: 1s, circuitOpenDuration: 1s}
                routes:
                  - name: all
                    connectors: [sim]
                """.formatted(tmp.resolve("data").toString().replace("\\", "/"), smscPort);
    }
}
