package io.mgw.smpp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.config.ConnectorConfig;
import io.mgw.core.model.Concat;
import io.mgw.core.model.Content;
import io.mgw.core.model.Direction;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.spi.SouthReceipt;
import io.mgw.core.spi.SubmitOutcome;
import io.mgw.testkit.smsc.ReceivedSubmit;
import io.mgw.testkit.smsc.SmscSimulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SMPP client connector against the jSMPP-based SMSC simulator, over real loopback sockets. */
class SmppClientConnectorIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final RecordingReceiptSink receipts = new RecordingReceiptSink();
    private final RecordingIngressSink ingress = new RecordingIngressSink();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private SmscSimulator sim;

    @BeforeEach
    void startSimulator() throws Exception {
        sim = startSim(SmscSimulator.Settings.defaults().withCredentials("gw", "pw")
                .withReceiptDelay(Duration.ofMillis(20)));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    private SmscSimulator startSim(SmscSimulator.Settings s) throws Exception {
        SmscSimulator started = new SmscSimulator(s).start();
        closeables.add(started);
        return started;
    }

    private SmppClientConnector connector(Map<String, String> extra) {
        return connector(extra, 0);
    }

    private SmppClientConnector connector(Map<String, String> extra, int tps) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "host", "127.0.0.1",
                "port", Integer.toString(sim.port()),
                "systemId", "gw",
                "password", "pw",
                "responseTimeout", "2s",
                "enquireLinkInterval", "5s",
                "reconnectBackoffMin", "50ms",
                "reconnectBackoffMax", "400ms"));
        settings.putAll(extra);
        var c = new SmppClientConnector(new ConnectorConfig("sim", "smpp", tps, 4, settings),
                TestMessages.context(receipts, ingress, meters));
        closeables.add(c);
        c.start();
        return c;
    }

    private SmppClientConnector bound(Map<String, String> extra) {
        SmppClientConnector c = connector(extra);
        await().atMost(WAIT).until(c::isAvailable);
        return c;
    }

    private static SubmitOutcome outcome(SmppClientConnector c, Message m) throws Exception {
        return c.submit(m).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static List<String> acceptedIds(SubmitOutcome o) {
        assertThat(o).isInstanceOf(SubmitOutcome.Accepted.class);
        return ((SubmitOutcome.Accepted) o).remoteIds();
    }

    /**
     * A config reload replaces a changed connector by a new one with the same id, on the same registry: the gauges
     * must then read the new connector, not the closed one (a registry keeps the first gauge of a name and tags).
     */
    @Test
    void aConnectorReplacedUnderTheSameIdShowsItsOwnGauges() throws Exception {
        SmppClientConnector first = bound(Map.of());
        await().atMost(WAIT).until(() -> gauge("gateway.smpp.client.binds.up") > 0);
        first.close();
        assertThat(meters.find("gateway.smpp.client.binds.up").tag("connector", "sim").gauge()).isNull();

        bound(Map.of());

        await().atMost(WAIT).until(() -> gauge("gateway.smpp.client.binds.up") > 0);
        assertThat(meters.find("gateway.smpp.client.rate.factor").tag("connector", "sim").gauges()).hasSize(1);
    }

    private double gauge(String name) {
        var g = meters.find(name).tag("connector", "sim").gauge();
        return g == null ? Double.NaN : g.value();
    }

    // --- submit -----------------------------------------------------------------------------------------------------

    @Test
    void singleSubmitIsAcceptedAndItsReceiptCarriesTheSameId() throws Exception {
        SmppClientConnector c = bound(Map.of());

        List<String> ids = acceptedIds(outcome(c, TestMessages.text("Hello world")));

        assertThat(ids).hasSize(1);
        ReceivedSubmit s = sim.receivedSubmits().getFirst();
        assertThat(s.dataCoding()).isZero();
        assertThat(s.registeredDelivery() & 0x03).isEqualTo(1);
        assertThat(s.udhi()).isFalse();
        assertThat(new String(s.shortMessage(), StandardCharsets.US_ASCII)).isEqualTo("Hello world");
        assertThat(s.source()).isEqualTo("4915100000001");
        assertThat(s.destination()).isEqualTo("4917600000002");
        assertThat(s.sourceTon()).isEqualTo(1);
        assertThat(s.validityPeriod()).hasSize(16).endsWith("000+");
        await().atMost(WAIT).until(() -> receipts.receipts.size() == 1);
        SouthReceipt r = receipts.receipts.getFirst();
        assertThat(r.connector()).isEqualTo("sim");
        assertThat(r.remoteId()).isEqualTo(ids.getFirst());
        assertThat(r.status()).isEqualTo(MessageStatus.DELIVERED);
        // the handset (the receipt's source address) and the quoted text, for matching a receipt without its id
        assertThat(r.handset()).isEqualTo("4917600000002");
        assertThat(r.excerpt()).isEqualTo("Hello world");
        await().atMost(WAIT).until(() -> sim.receiptsAcked() == 1);
        assertThat(meters.counter("gateway.smpp.client.submit.ok", "connector", "sim").count()).isEqualTo(1);
        assertThat(meters.counter("gateway.smpp.client.receipts.received", "connector", "sim").count()).isEqualTo(1);
    }

    @Test
    void longTextGoesAsUdh8Parts() throws Exception {
        SmppClientConnector c = bound(Map.of("segmentation", "UDH8"));
        String text = "x".repeat(200);

        List<String> ids = acceptedIds(outcome(c, TestMessages.text(text)));

        assertThat(ids).hasSize(2).doesNotHaveDuplicates();
        List<ReceivedSubmit> parts = sim.receivedSubmits();
        assertThat(parts).hasSize(2);
        for (int i = 0; i < 2; i++) {
            ReceivedSubmit p = parts.get(i);
            assertThat(p.udhi()).isTrue();
            byte[] sm = p.shortMessage();
            assertThat(Arrays.copyOfRange(sm, 0, 3)).containsExactly(0x05, 0x00, 0x03);
            assertThat(sm[3]).isEqualTo(parts.getFirst().shortMessage()[3]);
            assertThat(sm[4]).isEqualTo((byte) 2);
            assertThat(sm[5]).isEqualTo((byte) (i + 1));
        }
        assertThat(parts.get(0).shortMessage().length - 6 + parts.get(1).shortMessage().length - 6).isEqualTo(200);
        await().atMost(WAIT).until(() -> receipts.receipts.size() == 2);
        assertThat(receipts.receipts.stream().map(SouthReceipt::remoteId)).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void longTextGoesAsUdh16Parts() throws Exception {
        SmppClientConnector c = bound(Map.of("segmentation", "UDH16"));

        assertThat(acceptedIds(outcome(c, TestMessages.text("y".repeat(200))))).hasSize(2);

        for (ReceivedSubmit p : sim.receivedSubmits()) {
            assertThat(p.udhi()).isTrue();
            assertThat(Arrays.copyOfRange(p.shortMessage(), 0, 3)).containsExactly(0x06, 0x08, 0x04);
        }
    }

    @Test
    void longTextGoesWithSarTlvs() throws Exception {
        SmppClientConnector c = bound(Map.of("segmentation", "SAR"));

        assertThat(acceptedIds(outcome(c, TestMessages.text("z".repeat(200))))).hasSize(2);

        List<ReceivedSubmit> parts = sim.receivedSubmits();
        assertThat(parts).hasSize(2);
        for (int i = 0; i < 2; i++) {
            ReceivedSubmit p = parts.get(i);
            assertThat(p.udhi()).isFalse();
            assertThat(p.tlv(0x020C)).isPresent();
            assertThat(p.tlv(0x020C).get()).isEqualTo(parts.getFirst().tlv(0x020C).get());
            assertThat(p.tlv(0x020E).get()).containsExactly(2);
            assertThat(p.tlv(0x020F).get()).containsExactly(i + 1);
        }
    }

    @Test
    void longTextGoesInMessagePayload() throws Exception {
        SmppClientConnector c = bound(Map.of("segmentation", "PAYLOAD"));
        String text = "p".repeat(400);

        assertThat(acceptedIds(outcome(c, TestMessages.text(text)))).hasSize(1);

        ReceivedSubmit p = sim.receivedSubmits().getFirst();
        assertThat(p.shortMessage()).isEmpty();
        assertThat(new String(p.tlv(0x0424).orElseThrow(), StandardCharsets.US_ASCII)).isEqualTo(text);
        assertThat(c.segmentsFor(TestMessages.text(text))).isEqualTo(3);
    }

    @Test
    void textOutsideGsm7GoesAsUcs2() throws Exception {
        SmppClientConnector c = bound(Map.of());
        String text = "Привет, мир";

        acceptedIds(outcome(c, TestMessages.text(text)));

        ReceivedSubmit p = sim.receivedSubmits().getFirst();
        assertThat(p.dataCoding()).isEqualTo(0x08);
        assertThat(new String(p.shortMessage(), StandardCharsets.UTF_16BE)).isEqualTo(text);
    }

    @Test
    void partSplitBySenderIsSentAsThatPartWithItsUdhRebuilt() throws Exception {
        SmppClientConnector c = bound(Map.of());
        Message part = TestMessages.text("second half").withContent(new Content.Text("second half"),
                Optional.of(new Concat(0x1234, 3, 2, true)));

        acceptedIds(outcome(c, part));

        ReceivedSubmit p = sim.receivedSubmits().getFirst();
        assertThat(p.udhi()).isTrue();
        assertThat(Arrays.copyOfRange(p.shortMessage(), 0, 7)).containsExactly(0x06, 0x08, 0x04, 0x12, 0x34, 3, 2);
        assertThat(c.segmentsFor(part)).isEqualTo(1);
    }

    @Test
    void validityCanBeLeftToTheSmsc() throws Exception {
        SmppClientConnector c = bound(Map.of("validity", "none", "receipts", "when-asked"));

        acceptedIds(outcome(c, TestMessages.text("no validity").withContent(new Content.Text("x"),
                Optional.empty())));

        ReceivedSubmit s = sim.receivedSubmits().getFirst();
        assertThat(s.validityPeriod()).isEmpty();
        assertThat(s.registeredDelivery()).isEqualTo(1); // the message asks for a report
    }

    @Test
    void noReceiptRequestedWhenOnlyAskedForAndNotWanted() throws Exception {
        SmppClientConnector c = bound(Map.of("receipts", "when-asked"));
        Message m = Message.builder().id(TestMessages.IDS.next())
                .origin(new io.mgw.core.model.Origin("smpp", "acct", "n", ""))
                .source(io.mgw.core.model.Address.msisdn("491510000001"))
                .destination(io.mgw.core.model.Address.msisdn("491760000002"))
                .text("fire and forget").priority(2).build();

        acceptedIds(outcome(c, m));

        ReceivedSubmit s = sim.receivedSubmits().getFirst();
        assertThat(s.registeredDelivery()).isZero();
        assertThat(s.priority()).isEqualTo(2);
    }

    @Test
    void hexInResponseDecimalInReceiptStillCorrelates() throws Exception {
        sim = startSim(SmscSimulator.Settings.defaults().withCredentials("gw", "pw")
                .withIdFormat(SmscSimulator.IdFormat.HEX_RESP_DECIMAL_RECEIPT).withFailureRatio(1.0)
                .withReceiptDelay(Duration.ZERO));
        SmppClientConnector c = bound(Map.of("remoteIdFormat", "hex-decimal"));

        List<String> ids = acceptedIds(outcome(c, TestMessages.text("hex ids")));

        await().atMost(WAIT).until(() -> receipts.receipts.size() == 1);
        SouthReceipt r = receipts.receipts.getFirst();
        assertThat(r.remoteId()).isEqualTo(ids.getFirst());
        assertThat(r.status()).isEqualTo(MessageStatus.UNDELIVERABLE);
        assertThat(r.errorCode()).isEqualTo(1);
    }

    // --- refusals and failures ------------------------------------------------------------------------------------

    @Test
    void throttledSubmitIsThrottledAndSlowsTheRate() throws Exception {
        SmppClientConnector c = connector(Map.of(), 100);
        await().atMost(WAIT).until(c::isAvailable);
        sim.setThrottling(true);

        SubmitOutcome o = outcome(c, TestMessages.text("slow down"));

        assertThat(o).isInstanceOf(SubmitOutcome.Throttled.class);
        assertThat(((SubmitOutcome.Throttled) o).reason()).isEqualTo("ESME_RTHROTTLED");
        assertThat(c.effectiveRate()).isLessThan(100);
    }

    @Test
    void eachThrottlingAnswerLowersTheRateOnce() throws Exception {
        // 1 submit per second: part 1 goes, part 2 is throttled and retried in place until the retries run out
        sim = startSim(SmscSimulator.Settings.defaults().withCredentials("gw", "pw").withMaxTps(1));
        SmppClientConnector c = connector(Map.of("throttleRetryAfter", "1ms"), 100);
        await().atMost(WAIT).until(c::isAvailable);

        SubmitOutcome o = outcome(c, TestMessages.text("x".repeat(200)));

        assertThat(o).isInstanceOf(SubmitOutcome.Unknown.class);
        assertThat(((SubmitOutcome.Unknown) o).acceptedRemoteIds()).hasSize(1);
        long answers = sim.submitsRefused();
        assertThat(answers).isEqualTo(4); // the first answer and 3 in-place retries
        assertThat(c.effectiveRate()).isCloseTo(100 * Math.pow(0.5, answers), within(1e-9));
    }

    @Test
    void messageQueueFullIsThrottled() throws Exception {
        SmppClientConnector c = bound(Map.of());
        sim.setMessageQueueFull(true);

        SubmitOutcome o = outcome(c, TestMessages.text("queue full"));

        assertThat(o).isInstanceOf(SubmitOutcome.Throttled.class);
        assertThat(((SubmitOutcome.Throttled) o).reason()).isEqualTo("ESME_RMSGQFUL");
    }

    @Test
    void throttlingDoesNotOpenTheCircuit() throws Exception {
        SmppClientConnector c = bound(Map.of("circuitMinimumCalls", "3"));
        sim.setThrottling(true);

        for (int i = 0; i < 6; i++) {
            assertThat(outcome(c, TestMessages.text("t" + i))).isInstanceOf(SubmitOutcome.Throttled.class);
        }

        assertThat(c.circuitState()).isEqualTo("CLOSED");
        assertThat(c.isAvailable()).isTrue();
    }

    @Test
    void missingResponseIsAnUnknownOutcome() throws Exception {
        SmppClientConnector c = bound(Map.of("responseTimeout", "300ms"));
        sim.setRespondToSubmits(false);

        SubmitOutcome o = outcome(c, TestMessages.text("into the void"));

        assertThat(o).isInstanceOf(SubmitOutcome.Unknown.class);
        assertThat(((SubmitOutcome.Unknown) o).acceptedRemoteIds()).isEmpty();
        assertThat(sim.receivedSubmits()).hasSize(1);
    }

    @Test
    void repeatedTimeoutsOpenTheCircuit() throws Exception {
        SmppClientConnector c = bound(Map.of("responseTimeout", "200ms", "circuitMinimumCalls", "4",
                "circuitOpenDuration", "60s"));
        sim.setRespondToSubmits(false);

        for (int i = 0; i < 4; i++) {
            assertThat(outcome(c, TestMessages.text("t" + i))).isInstanceOf(SubmitOutcome.Unknown.class);
        }

        assertThat(c.circuitState()).isEqualTo("OPEN");
        assertThat(c.isAvailable()).isFalse();
        SubmitOutcome o = outcome(c, TestMessages.text("refused at once"));
        assertThat(o).isEqualTo(new SubmitOutcome.TemporaryFailure(0, "circuit open"));
        assertThat(sim.receivedSubmits()).hasSize(4);
    }

    @Test
    void windowCapsOutstandingSubmitsPerBind() throws Exception {
        SmppClientConnector c = bound(Map.of("window", "2", "responseTimeout", "1s"));
        sim.setRespondToSubmits(false);

        List<CompletableFuture<SubmitOutcome>> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            all.add(c.submit(TestMessages.text("w" + i)).toCompletableFuture());
        }

        await().atMost(WAIT).until(() -> c.windowInUse() == 2);
        assertThat(meters.get("gateway.smpp.client.window.used").tag("connector", "sim").gauge().value()).isEqualTo(2);
        assertThat(sim.receivedSubmits()).hasSizeLessThanOrEqualTo(2);
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
        assertThat(c.windowInUse()).isZero();
    }

    @Test
    void waitingForTheWindowDoesNotCountAgainstTheCircuit() throws Exception {
        // window 1: two unanswered submits (2 real failures), then a third message that waits two response timeouts
        // for our own window and is answered. 2 of 3 calls failed (67%) stays under the 70% threshold only if the
        // wait is not counted as a third failure.
        SmppClientConnector c = bound(Map.of("window", "1", "responseTimeout", "500ms", "circuitMinimumCalls", "3",
                "circuitFailureRate", "70"));
        InLine unanswered = holderAndWaiter(c);
        var third = c.submit(TestMessages.text("waits for the window")).toCompletableFuture();
        soon(() -> sim.receivedSubmits().size() == 2);
        sim.setRespondToSubmits(true);

        assertThat(unanswered.holder().get(20, TimeUnit.SECONDS)).isInstanceOf(SubmitOutcome.Unknown.class);
        assertThat(unanswered.waiter().get(20, TimeUnit.SECONDS)).isInstanceOf(SubmitOutcome.Unknown.class);
        assertThat(third.get(20, TimeUnit.SECONDS)).isInstanceOf(SubmitOutcome.Accepted.class);
        assertThat(c.circuitState()).isEqualTo("CLOSED");
    }

    @Test
    void segmentsWaitForTheWindowInArrivalOrderHoweverLongTheyWait() throws Exception {
        // window 1, no answers: each segment waits for the one before it to time out; the last of 5 waits four
        // response timeouts (not a failure of its own: each ends Unknown only for its own unanswered submit), each
        // one joining the line once the one before it is in it. A waiter that left the line each time a wait of one
        // response timeout ran out would rejoin it behind later ones and be sent after them (the connector before
        // the fix did so in each of 6 runs).
        SmppClientConnector c = bound(Map.of("window", "1", "responseTimeout", "150ms"));
        sim.setRespondToSubmits(false);
        List<CompletableFuture<SubmitOutcome>> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int waiting = Math.max(0, i - 1);
            soon(() -> c.windowWaiters() == waiting);
            all.add(c.submit(TestMessages.text("in line " + i)).toCompletableFuture());
        }
        for (CompletableFuture<SubmitOutcome> f : all) {
            assertThat(f.get(20, TimeUnit.SECONDS)).isInstanceOf(SubmitOutcome.Unknown.class);
        }
        assertThat(sim.receivedSubmits()).extracting(r -> new String(r.shortMessage(), StandardCharsets.US_ASCII))
                .containsExactly("in line 0", "in line 1", "in line 2", "in line 3", "in line 4");
        assertThat(meters.get("gateway.smpp.client.window.waiting").tag("connector", "sim").gauge().value()).isZero();
    }

    @Test
    void segmentsWaitingForTheWindowGiveUpWhenTheSmscStaysGoneForAResponseTimeout() throws Exception {
        // they wait without a time limit while a bind is up; the outage watch must wake them once none is left
        SmppClientConnector c = bound(Map.of("window", "1", "responseTimeout", "500ms", "closeTimeout", "0ms"));
        InLine inLine = holderAndWaiter(c);

        sim.close();

        assertThat(inLine.holder().get(20, TimeUnit.SECONDS)).isInstanceOf(SubmitOutcome.Unknown.class);
        assertThat(inLine.waiter().get(20, TimeUnit.SECONDS))
                .isEqualTo(new SubmitOutcome.TemporaryFailure(0, "no bind up"));
        assertThat(c.windowWaiters()).isZero();
    }

    @Test
    void closeWakesSegmentsWaitingForTheWindow() throws Exception {
        SmppClientConnector c = bound(Map.of("window", "1", "responseTimeout", "3s", "closeTimeout", "0ms"));
        var waiting = holderAndWaiter(c).waiter();

        c.close();

        // well before the slot holder's response timeout
        assertThat(waiting.get(2, TimeUnit.SECONDS)).isEqualTo(new SubmitOutcome.TemporaryFailure(0, "connector closed"));
        assertThat(sim.receivedSubmits()).hasSize(1);
    }

    /**
     * With the simulator silent from now on and a window of 1: submits a message that takes the window (its
     * submit_sm goes unanswered), then one that waits for it, and returns both once the second is in line.
     */
    private InLine holderAndWaiter(SmppClientConnector c) {
        sim.setRespondToSubmits(false);
        var holder = c.submit(TestMessages.text("holds the window")).toCompletableFuture();
        soon(() -> sim.receivedSubmits().size() == 1);
        var waiter = c.submit(TestMessages.text("waits")).toCompletableFuture();
        soon(() -> c.windowWaiters() == 1);
        return new InLine(holder, waiter);
    }

    /** A submit holding a window of one, and one waiting for it. */
    private record InLine(CompletableFuture<SubmitOutcome> holder, CompletableFuture<SubmitOutcome> waiter) {}

    /** Waits for a condition that follows a submit within milliseconds (polled every 2 ms, so no step is missed). */
    private static void soon(java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(2)).until(condition);
    }

    @Test
    void smscGoneIsTemporaryFailureAndTheConnectorRebindsWhenItReturns() throws Exception {
        SmppClientConnector c = bound(Map.of());
        int port = sim.port();
        sim.close();

        await().atMost(WAIT).until(() -> !c.isAvailable());
        assertThat(outcome(c, TestMessages.text("nobody there")))
                .isEqualTo(new SubmitOutcome.TemporaryFailure(0, "no bind up"));

        sim = startSim(SmscSimulator.Settings.defaults().withCredentials("gw", "pw").withPort(port));
        await().atMost(WAIT).until(c::isAvailable);
        assertThat(acceptedIds(outcome(c, TestMessages.text("back again")))).hasSize(1);
        assertThat(c.rebindCount()).isGreaterThanOrEqualTo(1);
        assertThat(meters.counter("gateway.smpp.client.rebinds", "connector", "sim").count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void droppedBindIsRebound() throws Exception {
        SmppClientConnector c = bound(Map.of());
        long before = sim.bindAttempts();

        sim.kickAll();

        await().atMost(WAIT).until(() -> c.rebindCount() >= 1 && sim.bindAttempts() > before && c.isAvailable());
        assertThat(acceptedIds(outcome(c, TestMessages.text("after the drop")))).hasSize(1);
    }

    @Test
    void wrongPasswordBacksOffInsteadOfStorming() throws Exception {
        SmppClientConnector c = connector(Map.of("password", "wrong", "reconnectBackoffMin", "100ms",
                "reconnectBackoffMax", "800ms"));

        await().atMost(WAIT).until(() -> sim.bindsRefused() >= 3);
        // with backoff 100, 200, 400, 800 ms (+-50%), two seconds hold only a handful of attempts
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> sim.bindAttempts() < 12);
        assertThat(c.isAvailable()).isFalse();
        assertThat(sim.boundSessions()).isZero();
    }

    @Test
    void failingReceiptSinkMakesTheSmscRetryTheReceipt() throws Exception {
        SmppClientConnector c = bound(Map.of());
        receipts.failing.set(true);

        List<String> ids = acceptedIds(outcome(c, TestMessages.text("retry my receipt")));

        await().atMost(WAIT).until(() -> sim.receiptsNacked() >= 1);
        assertThat(sim.receiptsAcked()).isZero();
        receipts.failing.set(false);
        await().atMost(WAIT).until(() -> sim.receiptsAcked() == 1);
        assertThat(receipts.receipts).extracting(SouthReceipt::remoteId).containsExactly(ids.getFirst());
    }

    @Test
    void receiptStageThatNeverCompletesIsAnsweredAfterTheTimeout() throws Exception {
        SmppClientConnector c = bound(Map.of("receiptAckTimeout", "200ms"));
        receipts.neverComplete.set(true);

        acceptedIds(outcome(c, TestMessages.text("slow store")));

        await().atMost(WAIT).until(() -> sim.receiptsNacked() >= 1);
        assertThat(meters.counter("gateway.smpp.client.inbound.retried", "connector", "sim").count())
                .isGreaterThanOrEqualTo(1);
    }

    // --- binds ----------------------------------------------------------------------------------------------------

    @Test
    void opensTheConfiguredNumberOfBinds() {
        SmppClientConnector c = connector(Map.of("bindsPerNode", "3"));

        await().atMost(WAIT).until(() -> sim.boundSessions() == 3 && c.bindsUp() == 3);
        assertThat(meters.get("gateway.smpp.client.binds.up").tag("connector", "sim").gauge().value()).isEqualTo(3);
    }

    @Test
    void transmitterPlusReceiverPairCarriesSubmitsAndReceipts() throws Exception {
        SmppClientConnector c = connector(Map.of("bindType", "TX+RX"));
        await().atMost(WAIT).until(() -> c.bindsUp() == 2);

        List<String> ids = acceptedIds(outcome(c, TestMessages.text("split binds")));

        await().atMost(WAIT).until(() -> receipts.receipts.size() == 1);
        assertThat(receipts.receipts.getFirst().remoteId()).isEqualTo(ids.getFirst());
    }

    @Test
    void closeUnbindsGracefully() {
        SmppClientConnector c = bound(Map.of());
        assertThat(sim.boundSessions()).isEqualTo(1);

        c.close();

        await().atMost(WAIT).until(() -> sim.boundSessions() == 0);
        assertThat(c.isAvailable()).isFalse();
    }

    @Test
    void rateLimitPacesSegments() throws Exception {
        SmppClientConnector c = connector(Map.of(), 20);
        await().atMost(WAIT).until(c::isAvailable);
        long t0 = System.nanoTime();

        List<CompletableFuture<SubmitOutcome>> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(c.submit(TestMessages.text("r" + i)).toCompletableFuture());
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);

        // 20 segments/s with 0.1 s of burst: the 10th may not go before ~0.35 s
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(300));
        assertThat(all).allMatch(f -> f.join() instanceof SubmitOutcome.Accepted);
    }

    // --- MO ---------------------------------------------------------------------------------------------------------

    @Test
    void singleMoReachesTheIngress() throws Exception {
        bound(Map.of());

        List<Integer> statuses = sim.sendMo("4917600000009", "12345", "STOP");

        assertThat(statuses).containsExactly(0);
        assertThat(ingress.messages).hasSize(1);
        Message m = ingress.messages.getFirst();
        assertThat(m.direction()).isEqualTo(Direction.MO);
        assertThat(m.content()).isEqualTo(new Content.Text("STOP"));
        assertThat(m.source().value()).isEqualTo("4917600000009");
        assertThat(m.destination().value()).isEqualTo("12345");
        assertThat(m.origin().protocol()).isEqualTo("smpp");
        assertThat(m.origin().account()).isEqualTo("sim");
        assertThat(m.concat()).isEmpty();
    }

    @Test
    void multipartMoKeepsItsConcatenation() throws Exception {
        bound(Map.of());
        String text = "a".repeat(153) + "b".repeat(20);

        List<Integer> statuses = sim.sendMo("4917600000009", "12345", text);

        assertThat(statuses).containsExactly(0, 0);
        assertThat(ingress.messages).hasSize(2);
        Message first = ingress.messages.get(0);
        Message second = ingress.messages.get(1);
        assertThat(first.concat().orElseThrow().total()).isEqualTo(2);
        assertThat(first.concat().get().sequence()).isEqualTo(1);
        assertThat(second.concat().orElseThrow().sequence()).isEqualTo(2);
        assertThat(second.concat().get().reference()).isEqualTo(first.concat().get().reference());
        assertThat(((Content.Text) first.content()).text() + ((Content.Text) second.content()).text())
                .isEqualTo(text);
    }

    @Test
    void packedMoIsUnpackedByAPackingConnector() throws Exception {
        bound(Map.of("packGsm7", "true"));

        List<Integer> statuses = sim.sendMo("4917600000009", "12345", "STOP {now} 1234567", true);

        assertThat(statuses).containsExactly(0);
        assertThat(ingress.messages).singleElement().extracting(Message::content)
                .isEqualTo(new Content.Text("STOP {now} 1234567"));
    }

    @ParameterizedTest(name = "packGsm7={0}")
    @ValueSource(booleans = {true, false})
    void multipartMoIsReadAfterItsUdhPackedOrNot(boolean packed) throws Exception {
        bound(Map.of("packGsm7", Boolean.toString(packed)));
        // 153 septets per part; the braces are escaped (two septets), so packed parts do not end on octet boundaries
        String text = "a".repeat(150) + "{x}" + "b".repeat(40);

        List<Integer> statuses = sim.sendMo("4917600000009", "12345", text, packed);

        assertThat(statuses).containsExactly(0, 0);
        assertThat(ingress.messages).hasSize(2).allSatisfy(m -> assertThat(m.concat()).isPresent());
        assertThat(((Content.Text) ingress.messages.get(0).content()).text()
                + ((Content.Text) ingress.messages.get(1).content()).text()).isEqualTo(text);
    }

    @Test
    void moIsRefusedTemporarilyWhenTheIngressFails() throws Exception {
        bound(Map.of());
        ingress.failing.set(true);

        List<Integer> statuses = sim.sendMo("4917600000009", "12345", "HELP");

        assertThat(statuses).containsExactly(0x64);
        assertThat(ingress.messages).isEmpty();
    }
}
