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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.junit.jupiter.api.AfterEach;
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
 * quote). The last is the withdrawal's doing ({@code WithdrawingIngress}): a produce request the producer gave up on
 * may have been written and turns up after the heal (before the withdrawal, 5 and 7 of 10 refused submits were
 * delivered in two runs).
 */
class KafkaPartitionIT {

    private static final int SUBMITTERS = 8;
    /** The receipt's text field: the first 20 characters of the message, here "kp N". */
    private static final Pattern RECEIPT_TEXT = Pattern.compile("text:(kp \\d+)");

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
    void aPartitionFromKafkaThatHealsLosesNoAcknowledgedMessage() throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "kafka-partition"));
        KafkaTrio brokers = KafkaTrio.start(tmp.resolve("kafka"), logs);
        ClusterFixture cluster = ClusterFixture.start(tmp, brokers);
        toClose.add(cluster);
        Path config = tmp.resolve("node.yaml");
        Files.writeString(config, cluster.nodeYaml(2, tmp.resolve("node"), 0, 0));
        GatewayNode node = new GatewayNode(ConfigLoader.load(config, Map.of()), Optional.empty());
        node.start();
        toClose.add(node::close);

        Set<String> receipted = ConcurrentHashMap.newKeySet();
        Set<String> receiptTexts = ConcurrentHashMap.newKeySet();
        AtomicInteger receiptCount = new AtomicInteger();
        SMPPSession rx = new SMPPSession();
        rx.setMessageReceiverListener(receipts(receipted, receiptTexts, receiptCount));
        rx.connectAndBind("127.0.0.1", node.smppPort(), new BindParameter(BindType.BIND_RX, "demo", "demopass", "",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null), 10_000);
        toClose.add(rx::unbindAndClose);
        SMPPSession tx = new SMPPSession();
        // longer than the node's answer to a submit Kafka does not take (the producer's 15 s delivery timeout, + 1 s)
        tx.setTransactionTimer(30_000);
        tx.connectAndBind("127.0.0.1", node.smppPort(), new BindParameter(BindType.BIND_TX, "demo", "demopass", "",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null), 10_000);
        toClose.add(tx::unbindAndClose);

        Set<String> ok = ConcurrentHashMap.newKeySet();
        Set<String> refusedTexts = ConcurrentHashMap.newKeySet();
        AtomicInteger unanswered = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger seq = new AtomicInteger();
        ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS);
        for (int t = 0; t < SUBMITTERS; t++) {
            submitters.submit(() -> {
                while (!stop.get() && tx.getSessionState().isBound()) {
                    int n = seq.incrementAndGet();
                    String text = "kp " + n;
                    try {
                        var r = tx.submitShortMessage("", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, "mgw",
                                TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "4479" + (1000000 + n % 500),
                                new ESMClass(), (byte) 0, (byte) 0, null, null,
                                new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0,
                                DataCodings.ZERO, (byte) 0, Gsm7.encode(text), new OptionalParameter[0]);
                        ok.add(r.getMessageId());
                    } catch (NegativeResponseException e) {
                        refusedTexts.add(text);
                    } catch (Exception e) {
                        unanswered.incrementAndGet();
                    }
                }
                return null;
            });
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> ok.size() >= 500);
        brokers.partitionClients();
        int okAtCut = ok.size();
        // the node answers while cut off: each submitter's submit is refused once the producer gives up on it
        await().atMost(Duration.ofSeconds(60)).until(() -> refusedTexts.size() >= SUBMITTERS);
        int okWhileCut = ok.size() - okAtCut;
        brokers.heal();
        int okAtHeal = ok.size();
        await().atMost(Duration.ofSeconds(120)).until(() -> ok.size() >= okAtHeal + 500);
        stop.set(true);
        submitters.shutdown();
        assertThat(submitters.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        Set<String> acknowledged = Set.copyOf(ok);

        try {
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> receipted.containsAll(acknowledged));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // fall through to the assertion, which names what is missing and where those messages stand
        }
        Set<String> lost = new HashSet<>(acknowledged);
        lost.removeAll(receipted);
        lost.stream().limit(5).forEach(id -> System.out.println("missing receipt for " + id + ": "
                + node.store().find(MessageId.parse(id)).map(r -> r.status() + " " + r.history())
                        .orElse("not in the store")));
        Set<String> aborted = new HashSet<>(refusedTexts);
        aborted.retainAll(receiptTexts);
        double flagged = node.meters().counter("gateway.ingress.message.unknown").count();
        double withdrawn = node.meters().counter("gateway.ingress.withdrawn").count();
        double skipped = node.meters().counter("gateway.egress.withdrawn.skipped", "connector", "sim").count();
        System.out.printf("Kafka partition: ok=%d (%d answered while cut off) refused=%d (maybe written: %.0f,"
                + " withdrawn: %.0f, turned up and skipped: %.0f, delivered all the same: %d) unanswered=%d"
                + " receipts=%d (distinct %d)%n", acknowledged.size(), okWhileCut, refusedTexts.size(), flagged,
                withdrawn, skipped, aborted.size(), unanswered.get(), receiptCount.get(), receipted.size());
        assertThat(lost).as("acknowledged but never receipted (%d of %d)", lost.size(), acknowledged.size())
                .isEmpty();
        // refused on a timeout, withdrawn, and not delivered even where Kafka had taken it (WithdrawingIngress)
        assertThat(withdrawn).isEqualTo(flagged);
        assertThat(aborted).as("refused to the ESME and delivered all the same").isEmpty();
        assertThat(KafkaLag.awaitDrained(brokers.internalBootstrap(), Duration.ofSeconds(60)))
                .as("records no consumer group committed, after the partition").isEmpty();
    }

    /** Collects each receipt's receipted_message_id and the message text it quotes. */
    private static MessageReceiverListener receipts(Set<String> ids, Set<String> texts, AtomicInteger count) {
        return new MessageReceiverListener() {
            @Override
            public void onAcceptDeliverSm(DeliverSm d) {
                OptionalParameter p = d.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID);
                if (p instanceof OptionalParameter.COctetString s) {
                    ids.add(s.getValueAsString());
                    count.incrementAndGet();
                }
                Matcher m = RECEIPT_TEXT.matcher(Gsm7.decode(d.getShortMessage()));
                if (m.find()) {
                    texts.add(m.group(1));
                }
            }

            @Override
            public void onAcceptAlertNotification(AlertNotification a) {}

            @Override
            public DataSmResult onAcceptDataSm(DataSm d, Session s) {
                return null;
            }
        };
    }
}
