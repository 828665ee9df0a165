package io.mgw.routing;


import io.mgw.testkit.store.InMemoryStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.config.AccountConfig;
import io.mgw.core.config.Accounts;
import io.mgw.core.config.ConnectorConfig;
import io.mgw.core.model.Address;
import io.mgw.core.model.EventType;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageIdGenerator;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.Origin;
import io.mgw.core.model.ReportRequest;
import io.mgw.core.spi.TemporaryFailureException;
import io.mgw.core.spi.ClientDelivery;
import io.mgw.core.spi.SouthReceipt;
import io.mgw.core.store.UnknownSubmission;
import io.mgw.core.wire.WireFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReceiptProcessorTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-23T10:00:00Z"));
    private final InstantSource clock = () -> now.get();
    private final InMemoryStore store = new InMemoryStore(clock);
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Accounts accounts = new Accounts(List.of(new AccountConfig("acme", "x", List.of(), 0, 10, 5,
            List.of(), "hex", Duration.ofHours(1))));
    /** The connectors the processor knows (a test may change their settings). */
    private volatile List<ConnectorConfig> smscs = List.of(new ConnectorConfig("smsc", "test", 0, 1, Map.of()));
    // the background task runs only every hour here: the tests call retryParked() themselves
    private final ReceiptProcessor receipts = new ReceiptProcessor(store, producer, () -> accounts,
            () -> smscs, meters, clock, Duration.ofHours(1), Duration.ofMinutes(60));
    private final MessageIdGenerator ids = new MessageIdGenerator(1, 2, clock);

    {
        receipts.earlyWait(Duration.ZERO); // park at once unless a test says otherwise
    }

    @AfterEach
    void close() {
        receipts.close();
    }

    private Message message(ReportRequest rr) {
        return Message.builder().id(ids.next()).origin(new Origin("smpp", "acme", "n1", ""))
                .source(Address.of("S")).destination(Address.msisdn("4917")).text("text").reportRequest(rr)
                .receivedAt(now.get()).build();
    }

    private Message recorded(ReportRequest rr) {
        return record(message(rr));
    }

    private Message record(Message m) {
        store.recordMessage(m, new MessageEvent(now.get(), EventType.ACCEPTED, MessageStatus.ACCEPTED, "", ""));
        return m;
    }

    private void receipt(String remoteId, MessageStatus status) throws Exception {
        receipts.process(new SouthReceipt("smsc", remoteId, status, 0, Optional.empty(), Optional.empty(),
                now.get())).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** The statuses of {@code m}'s REPORT events, in history order. */
    private List<MessageStatus> reportStatuses(Message m) {
        return store.find(m.id()).orElseThrow().history().stream().filter(e -> e.type() == EventType.REPORT)
                .map(MessageEvent::status).toList();
    }

    private List<ClientDelivery> published() {
        return producer.history().stream().map(ProducerRecord::value).map(WireFormat::decodeClientDelivery).toList();
    }

    @Test
    void finalReceiptIsRecordedAndReportedToTheAccountTopic() throws Exception {
        Message m = recorded(ReportRequest.FINAL);
        store.putCorrelation("smsc", "R1", m.id(), 1, 1);
        receipt("R1", MessageStatus.DELIVERED);
        assertThat(producer.history()).singleElement().satisfies(r -> assertThat(r.topic()).isEqualTo("gw.deliver.acme"));
        assertThat(published()).singleElement().isInstanceOfSatisfying(ClientDelivery.Report.class,
                r -> assertThat(r.report().status()).isEqualTo(MessageStatus.DELIVERED));
        assertThat(store.find(m.id()).orElseThrow().status()).isEqualTo(MessageStatus.DELIVERED);
    }

    @Test
    void aForwardedReportWhoseEventTheStoreRefusesIsNotForwardedAgain() throws Exception {
        Message m = recorded(ReportRequest.FINAL);
        store.putCorrelation("smsc", "RF", m.id(), 1, 1);
        store.failEvents.set(3); // the store's write queue full for a while

        receipt("RF", MessageStatus.DELIVERED);

        // before: the receipt failed, and the report consumer's retry found no final event and forwarded it again
        assertThat(published()).singleElement().isInstanceOfSatisfying(ClientDelivery.Report.class,
                r -> assertThat(r.report().status()).isEqualTo(MessageStatus.DELIVERED));
        assertThat(reportStatuses(m)).containsExactly(MessageStatus.DELIVERED);
        assertThat(meters.counter("gateway.receipt.event.retried").count()).isEqualTo(3);
        receipt("RF", MessageStatus.DELIVERED); // the SMSC sends it again: recorded, so a duplicate
        assertThat(published()).hasSize(1);
    }

    @Test
    void anIntermediateReportWhoseEventTheStoreRefusesIsForwardedOnceAndRecorded() throws Exception {
        Message m = recorded(ReportRequest.INTERMEDIATE);
        store.putCorrelation("smsc", "RI", m.id(), 1, 1);
        store.failEvents.set(2);

        receipt("RI", MessageStatus.ENROUTE);

        assertThat(published()).singleElement().isInstanceOfSatisfying(ClientDelivery.Report.class,
                r -> assertThat(r.report().status()).isEqualTo(MessageStatus.ENROUTE));
        assertThat(reportStatuses(m)).containsExactly(MessageStatus.ENROUTE);
        receipt("RI", MessageStatus.ENROUTE);
        assertThat(published()).as("a repeat of a recorded intermediate receipt").hasSize(1);
    }

    @Test
    void senderThatWantsFailuresOnlyGetsNoReportForDelivered() throws Exception {
        Message m = recorded(ReportRequest.FAILURE);
        store.putCorrelation("smsc", "R2", m.id(), 1, 1);
        receipt("R2", MessageStatus.DELIVERED);
        assertThat(producer.history()).isEmpty();
        assertThat(store.find(m.id()).orElseThrow().status()).isEqualTo(MessageStatus.DELIVERED);
    }

    @Test
    void intermediateStatusIsForwardedOnlyToSendersAskingForIntermediate() throws Exception {
        Message wants = recorded(ReportRequest.INTERMEDIATE);
        Message finalOnly = recorded(ReportRequest.FINAL);
        store.putCorrelation("smsc", "I1", wants.id(), 1, 1);
        store.putCorrelation("smsc", "I2", finalOnly.id(), 1, 1);
        receipt("I1", MessageStatus.ENROUTE);
        receipt("I2", MessageStatus.ENROUTE);
        assertThat(published()).singleElement().isInstanceOfSatisfying(ClientDelivery.Report.class,
                r -> assertThat(r.report().messageId()).isEqualTo(wants.id()));
    }

    @Test
    void finalReceiptAfterTheSweeperExpiredTheMessageIsADuplicate() throws Exception {
        Message m = recorded(ReportRequest.FINAL);
        store.putCorrelation("smsc", "X1", m.id(), 1, 1);
        store.appendEvent(m.id(), new MessageEvent(now.get(), EventType.EXPIRED, MessageStatus.EXPIRED, "smsc",
                ExpirySweeper.DETAIL));
        receipt("X1", MessageStatus.DELIVERED);
        assertThat(producer.history()).isEmpty();
        assertThat(store.find(m.id()).orElseThrow().status()).isEqualTo(MessageStatus.EXPIRED);
        assertThat(meters.counter("gateway.receipt.duplicate").count()).isEqualTo(1);
    }

    @Test
    void earlyReceiptIsParkedAndAppliedOnceTheCorrelationExists() throws Exception {
        Message m = recorded(ReportRequest.FINAL);
        receipt("E1", MessageStatus.DELIVERED);
        assertThat(store.parkedCount()).isEqualTo(1);
        receipts.retryParked();
        assertThat(store.parkedCount()).isEqualTo(1);
        store.putCorrelation("smsc", "E1", m.id(), 1, 1);
        receipts.retryParked();
        assertThat(store.parkedCount()).isZero();
        assertThat(published()).hasSize(1);
        assertThat(meters.counter("gateway.receipt.unparked").count()).isEqualTo(1);
    }

    /** The retry runs as a periodic task, which is never run again once it throws: parked receipts waited for good. */
    @Test
    void aJavaErrorInTheParkedRetryIsCountedAndTheNextRetryStillRuns() throws Exception {
        Message m = recorded(ReportRequest.FINAL);
        receipt("E1", MessageStatus.DELIVERED);
        store.putCorrelation("smsc", "E1", m.id(), 1, 1);
        store.nextReadError.set(new NoClassDefFoundError("some/Library (test)"));

        receipts.retryParked();
        assertThat(store.parkedCount()).isEqualTo(1);
        assertThat(meters.counter("gateway.receipt.parked.retry.failed").count()).isEqualTo(1);

        receipts.retryParked();
        assertThat(store.parkedCount()).isZero();
        assertThat(published()).hasSize(1);
    }

    @Test
    void aReceiptWhoseCorrelationAppearsWithinTheEarlyWaitIsAppliedWithoutParking() throws Exception {
        receipts.earlyWait(Duration.ofSeconds(10));
        Message m = recorded(ReportRequest.FINAL);
        var stage = receipts.process(new SouthReceipt("smsc", "E1", MessageStatus.DELIVERED, 0, Optional.empty(),
                Optional.empty(), now.get())).toCompletableFuture();
        // still looking (it would have parked at once without the wait), across several lookups
        org.awaitility.Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> !stage.isDone());

        store.putCorrelation("smsc", "E1", m.id(), 1, 1);

        stage.get(5, TimeUnit.SECONDS);
        assertThat(store.parkedCount()).isZero();
        assertThat(meters.counter("gateway.receipt.parked").count()).isZero();
        assertThat(published()).singleElement().isInstanceOf(ClientDelivery.Report.class);
    }

    @Test
    void aReceiptStillUncorrelatedAfterTheEarlyWaitIsParked() throws Exception {
        receipts.earlyWait(Duration.ofMillis(300));
        receipts.process(new SouthReceipt("smsc", "E2", MessageStatus.DELIVERED, 0, Optional.empty(),
                Optional.empty(), now.get())).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(store.parkedCount()).isEqualTo(1);
        assertThat(meters.counter("gateway.receipt.parked").count()).isEqualTo(1);
    }

    @Test
    void parkedReceiptIsGivenUpAfterTheConfiguredTimeAndCounted() throws Exception {
        receipt("LOST", MessageStatus.DELIVERED);
        now.set(now.get().plus(Duration.ofMinutes(59)));
        receipts.retryParked();
        assertThat(store.parkedCount()).isEqualTo(1);
        now.set(now.get().plus(Duration.ofMinutes(2)));
        receipts.retryParked();
        assertThat(store.parkedCount()).isZero();
        assertThat(meters.counter("gateway.receipt.parked.expired").count()).isEqualTo(1);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aReceiptFromAConnectorIsQueuedInTheReportTopicAndNothingElseHappensYet() throws Exception {
        Message m = recorded(ReportRequest.FINAL);
        store.putCorrelation("smsc", "Q1", m.id(), 1, 1);
        SouthReceipt r = new SouthReceipt("smsc", "Q1", MessageStatus.DELIVERED, 0, Optional.empty(),
                Optional.empty(), now.get());

        receipts.onReceipt(r).toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(producer.history()).singleElement().satisfies(rec -> {
            assertThat(rec.topic()).isEqualTo("gw.report");
            assertThat(rec.key()).isEqualTo("smsc/Q1");
            assertThat(WireFormat.decodeReceipt(rec.value())).isEqualTo(r);
        });
        // correlation, history and the client's report are the consumer's job (process)
        assertThat(reportStatuses(m)).isEmpty();
        assertThat(meters.counter("gateway.receipt.correlated").count()).isZero();
    }

    @Test
    void aReceiptKafkaDoesNotTakeFailsWithATemporaryError() {
        MockProducer<String, byte[]> failing =
                new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        try (ReceiptProcessor p = new ReceiptProcessor(store, failing, () -> accounts, () -> smscs, meters,
                clock, Duration.ofHours(1), Duration.ofHours(1))) {
            var stage = p.onReceipt(new SouthReceipt("smsc", "Q2", MessageStatus.DELIVERED, 0, Optional.empty(),
                    Optional.empty(), now.get())).toCompletableFuture();
            org.awaitility.Awaitility.await().until(() -> !failing.history().isEmpty());
            failing.errorNext(new RuntimeException("broker down"));
            assertThat(stage).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                    .withCauseInstanceOf(io.mgw.core.spi.TemporaryFailureException.class)
                    .withMessageContaining("not queued");
        }
    }

    @Test
    void kafkaFailureFailsTheStageSoTheConnectorAnswersTemporaryError() {
        MockProducer<String, byte[]> failing =
                new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        try (ReceiptProcessor p = new ReceiptProcessor(store, failing, () -> accounts, () -> smscs, meters,
                clock, Duration.ofHours(1), Duration.ofHours(1))) {
            Message m = recorded(ReportRequest.FINAL);
            store.putCorrelation("smsc", "K1", m.id(), 1, 1);
            var stage = p.process(new SouthReceipt("smsc", "K1", MessageStatus.DELIVERED, 0, Optional.empty(),
                    Optional.empty(), now.get())).toCompletableFuture();
            org.awaitility.Awaitility.await().until(() -> !failing.history().isEmpty());
            failing.errorNext(new RuntimeException("broker down"));
            assertThat(stage).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                    .withCauseInstanceOf(io.mgw.core.spi.TemporaryFailureException.class);
        }
    }

    @Test
    void receiptRedeliveredAfterAFailedPublishIsStillReported() throws Exception {
        MockProducer<String, byte[]> flaky =
                new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        try (ReceiptProcessor p = new ReceiptProcessor(store, flaky, () -> accounts, () -> smscs, meters,
                clock, Duration.ofHours(1), Duration.ofHours(1))) {
            Message m = recorded(ReportRequest.FINAL);
            store.putCorrelation("smsc", "F1", m.id(), 1, 1);
            SouthReceipt r = new SouthReceipt("smsc", "F1", MessageStatus.DELIVERED, 0, Optional.empty(),
                    Optional.empty(), now.get());
            var first = p.process(r).toCompletableFuture();
            org.awaitility.Awaitility.await().until(() -> flaky.history().size() == 1);
            flaky.errorNext(new RuntimeException("node died before the ack"));
            assertThat(first).failsWithin(Duration.ofSeconds(5));
            // the peer resends the receipt (our deliver_sm_resp was a temporary error): it is not a duplicate
            var second = p.process(r).toCompletableFuture();
            org.awaitility.Awaitility.await().until(() -> flaky.history().size() == 2);
            flaky.completeNext();
            second.get(5, TimeUnit.SECONDS);
            assertThat(meters.counter("gateway.receipt.duplicate").count()).isZero();
            assertThat(reportStatuses(m)).containsExactly(MessageStatus.DELIVERED);
        }
    }

    @Test
    void aDifferentIntermediateStatusIsStillRecorded() throws Exception {
        Message m = recorded(ReportRequest.INTERMEDIATE);
        store.putCorrelation("smsc", "E2", m.id(), 1, 1);
        receipt("E2", MessageStatus.ENROUTE);
        receipt("E2", MessageStatus.UNKNOWN);
        assertThat(published()).hasSize(2);
        assertThat(reportStatuses(m)).containsExactly(MessageStatus.ENROUTE, MessageStatus.UNKNOWN);
        assertThat(meters.counter("gateway.receipt.duplicate").count()).isZero();
    }

    @Test
    void intermediateReceiptAfterTheFinalOneChangesNothing() throws Exception {
        Message m = recorded(ReportRequest.INTERMEDIATE);
        store.putCorrelation("smsc", "E3", m.id(), 1, 1);
        receipt("E3", MessageStatus.DELIVERED);
        receipt("E3", MessageStatus.ENROUTE);
        assertThat(published()).singleElement().isInstanceOfSatisfying(ClientDelivery.Report.class,
                r -> assertThat(r.report().status()).isEqualTo(MessageStatus.DELIVERED));
        assertThat(store.find(m.id()).orElseThrow().status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(reportStatuses(m)).containsExactly(MessageStatus.DELIVERED);
    }

    @Test
    void aReceiptWhoseMessageIsNotRecordedYetFailsTemporarilyAndIsReportedOnceItIs() throws Exception {
        Message m = message(ReportRequest.FINAL);
        store.putCorrelation("smsc", "U1", m.id(), 1, 1);
        SouthReceipt r = new SouthReceipt("smsc", "U1", MessageStatus.DELIVERED, 0, Optional.empty(),
                Optional.empty(), now.get());

        assertThatThrownBy(() -> receipts.process(r).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(TemporaryFailureException.class);
        assertThat(producer.history()).isEmpty();
        assertThat(meters.counter("gateway.receipt.correlated").count()).isZero();

        record(m);
        receipts.process(r).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(published()).singleElement().isInstanceOfSatisfying(ClientDelivery.Report.class,
                rep -> assertThat(rep.report().messageId()).isEqualTo(m.id()));
        // one receipt, counted once however often it was tried
        assertThat(meters.counter("gateway.receipt.correlated").count()).isEqualTo(1);
    }

    @Test
    void aReceiptWhoseMessageRecordNeverCameIsNotReported() throws Exception {
        MessageId gone = ids.next();
        store.putCorrelation("smsc", "U2", gone, 1, 1);
        now.set(now.get().plus(ReceiptProcessor.RECORD_WAIT).plusSeconds(1));
        receipt("U2", MessageStatus.DELIVERED);
        assertThat(producer.history()).isEmpty();
        assertThat(meters.counter("gateway.receipt.correlated").count()).isEqualTo(1);
    }

    /** A peer resends a receipt when our deliver_sm_resp was lost, or we crashed before committing it. */
    @ParameterizedTest
    @CsvSource({"FINAL, DELIVERED", "INTERMEDIATE, ENROUTE"})
    void aRepeatedReceiptIsCountedAndNeitherRecordedNorReportedTwice(ReportRequest wants, MessageStatus status)
            throws Exception {
        Message m = recorded(wants);
        store.putCorrelation("smsc", "D1", m.id(), 1, 1);
        receipt("D1", status);
        receipt("D1", status);
        assertThat(published()).hasSize(1);
        assertThat(reportStatuses(m)).containsExactly(status);
        assertThat(meters.counter("gateway.receipt.duplicate").count()).isEqualTo(1);
    }

    @Test
    void newerParkedReceiptIsReachedBehindAFullPageOfUncorrelatedOnes() throws Exception {
        for (int i = 0; i < ReceiptProcessor.PARKED_PAGE; i++) {
            receipt("OLD-" + i, MessageStatus.DELIVERED);
        }
        now.set(now.get().plusSeconds(1));
        Message m = recorded(ReportRequest.FINAL);
        receipt("NEW", MessageStatus.DELIVERED);
        store.putCorrelation("smsc", "NEW", m.id(), 1, 1);
        receipts.retryParked();
        receipts.retryParked();
        assertThat(published()).singleElement().isInstanceOfSatisfying(ClientDelivery.Report.class,
                r -> assertThat(r.report().messageId()).isEqualTo(m.id()));
        assertThat(store.parkedCount()).isEqualTo(ReceiptProcessor.PARKED_PAGE);
    }

    @Test
    void rotatedParkedReceiptsStillExpireByTheirReceiveTime() throws Exception {
        for (int i = 0; i < ReceiptProcessor.PARKED_PAGE + 1; i++) {
            receipt("OLD-" + i, MessageStatus.DELIVERED);
        }
        receipts.retryParked();
        now.set(now.get().plus(Duration.ofMinutes(61)));
        receipts.retryParked();
        receipts.retryParked();
        assertThat(store.parkedCount()).isZero();
        assertThat(meters.counter("gateway.receipt.parked.expired").count())
                .isEqualTo(ReceiptProcessor.PARKED_PAGE + 1);
    }

    // ---- receipts for submits whose response never came ----

    private Message unanswered(String destination, String text) {
        Message m = record(Message.builder().id(ids.next()).origin(new Origin("smpp", "acme", "n1", ""))
                .source(Address.of("S")).destination(Address.msisdn(destination)).text(text)
                .reportRequest(ReportRequest.FINAL).receivedAt(now.get()).build());
        store.appendEvent(m.id(), new MessageEvent(now.get(), EventType.SUBMIT_UNKNOWN, MessageStatus.UNKNOWN,
                "smsc", "response timeout"));
        store.rememberUnknownSubmission(new UnknownSubmission(m.id(), "smsc", 1, 1,
                UnknownSubmission.handsetKey(destination), text, now.get()));
        return m;
    }

    private void orphan(String remoteId, String handset, String excerpt, Optional<Instant> submitDate)
            throws Exception {
        receipts.process(new SouthReceipt("smsc", remoteId, MessageStatus.DELIVERED, 0, submitDate, Optional.empty(),
                now.get(), handset, excerpt)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private double counted(String name) {
        return meters.counter(name).count();
    }

    @Test
    void aReceiptForAnUnansweredSubmitIsMatchedByHandsetAndTextOnceParkedLongEnough() throws Exception {
        Message m = unanswered("447700900123", "Your code is 4711, valid 5 minutes");
        orphan("LOST-1", "+447700900123", "Your code is 4711, v", Optional.of(now.get()));
        assertThat(store.parkedCount()).isEqualTo(1);
        // a correlation may still be on its way: not matched yet
        now.set(now.get().plus(ReceiptProcessor.ORPHAN_AFTER).minusSeconds(1));
        receipts.retryParked();
        assertThat(store.parkedCount()).isEqualTo(1);
        assertThat(status(m)).isEqualTo(MessageStatus.UNKNOWN);

        now.set(now.get().plusSeconds(2));
        receipts.retryParked();

        assertThat(store.parkedCount()).isZero();
        assertThat(status(m)).isEqualTo(MessageStatus.DELIVERED);
        assertThat(published()).singleElement().isInstanceOfSatisfying(ClientDelivery.Report.class, r -> {
            assertThat(r.report().messageId()).isEqualTo(m.id());
            assertThat(r.report().status()).isEqualTo(MessageStatus.DELIVERED);
        });
        assertThat(store.findCorrelation("smsc", "LOST-1")).hasValueSatisfying(c -> {
            assertThat(c.messageId()).isEqualTo(m.id());
            assertThat(c.part()).isEqualTo(1);
        });
        assertThat(store.unknownSubmissions("smsc", "447700900123", 10)).isEmpty();
        assertThat(counted("gateway.receipt.orphan.matched")).isEqualTo(1);
        assertThat(store.find(m.id()).orElseThrow().history()).extracting(MessageEvent::type)
                .containsSubsequence(EventType.SUBMIT_UNKNOWN, EventType.SUBMITTED, EventType.REPORT);
        // the peer sends it again: an ordinary duplicate now
        orphan("LOST-1", "447700900123", "Your code is 4711, v", Optional.empty());
        assertThat(published()).hasSize(1);
        assertThat(counted("gateway.receipt.duplicate")).isEqualTo(1);
    }

    @Test
    void aReceiptThatFitsTwoUnansweredSubmitsIsNotGuessedAndIsGivenUpNamingThem() throws Exception {
        Message a = unanswered("447700900123", "Hello there");
        Message b = unanswered("447700900123", "Hello there");
        orphan("LOST-2", "447700900123", "Hello there", Optional.empty());
        now.set(now.get().plus(ReceiptProcessor.ORPHAN_AFTER).plusSeconds(1));
        receipts.retryParked();
        assertThat(store.parkedCount()).isEqualTo(1);

        now.set(now.get().plus(Duration.ofMinutes(61)));
        receipts.retryParked();

        assertThat(store.parkedCount()).isZero();
        assertThat(status(a)).isEqualTo(MessageStatus.UNKNOWN);
        assertThat(status(b)).isEqualTo(MessageStatus.UNKNOWN);
        assertThat(published()).isEmpty();
        assertThat(counted("gateway.receipt.orphan.matched")).isZero();
        assertThat(counted("gateway.receipt.orphan.ambiguous")).isEqualTo(1);
        assertThat(counted("gateway.receipt.parked.expired")).isEqualTo(1);
    }

    @Test
    void theQuotedTextPicksTheOneOfTwoUnansweredSubmitsToAHandset() throws Exception {
        unanswered("447700900123", "Meeting at noon");
        Message b = unanswered("447700900123", "Your parcel arrives today");
        orphan("LOST-3", "447700900123", "Your parcel", Optional.empty());
        now.set(now.get().plus(ReceiptProcessor.ORPHAN_AFTER).plusSeconds(1));

        receipts.retryParked();

        assertThat(status(b)).isEqualTo(MessageStatus.DELIVERED);
        assertThat(counted("gateway.receipt.orphan.matched")).isEqualTo(1);
    }

    @Test
    void aReceiptFromAnotherHandsetOrWithOtherTextIsNotMatched() throws Exception {
        Message m = unanswered("447700900123", "Meeting at noon");
        orphan("LOST-4", "447700900999", "Meeting at noon", Optional.empty());
        orphan("LOST-5", "447700900123", "Dinner at eight", Optional.empty());
        orphan("LOST-6", "", "Meeting at noon", Optional.empty());
        now.set(now.get().plus(ReceiptProcessor.ORPHAN_AFTER).plusSeconds(1));

        receipts.retryParked();

        assertThat(store.parkedCount()).isEqualTo(3);
        assertThat(status(m)).isEqualTo(MessageStatus.UNKNOWN);
        assertThat(counted("gateway.receipt.orphan.matched")).isZero();
    }

    @Test
    void aReceiptWhoseSubmitDateIsNoZoneOffsetFromTheSubmitIsNotMatched() throws Exception {
        Message m = unanswered("447700900123", "Meeting at noon");
        // 37 minutes off: no time zone is that far from UTC plus a whole number of hours
        orphan("LOST-7", "447700900123", "Meeting at noon", Optional.of(now.get().plus(Duration.ofMinutes(37))));
        now.set(now.get().plus(ReceiptProcessor.ORPHAN_AFTER).plusSeconds(1));
        receipts.retryParked();
        assertThat(status(m)).isEqualTo(MessageStatus.UNKNOWN);

        // the same receipt from a peer two hours ahead of UTC, its date cut to the minute
        orphan("LOST-8", "447700900123", "Meeting at noon",
                Optional.of(now.get().plus(Duration.ofHours(2)).minus(ReceiptProcessor.ORPHAN_AFTER)
                        .truncatedTo(java.time.temporal.ChronoUnit.MINUTES)));
        now.set(now.get().plus(ReceiptProcessor.ORPHAN_AFTER).plusSeconds(1));
        receipts.retryParked();
        assertThat(status(m)).isEqualTo(MessageStatus.DELIVERED);
        assertThat(store.findCorrelation("smsc", "LOST-8")).isPresent();
        assertThat(store.findCorrelation("smsc", "LOST-7")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "0, true", "-4, true", "5, true", "6, false", "37, false", "120, true", "-330, true", "345, true",
        "781, true", "852, false", "-846, false", "14, true", "22, false"})
    void submitDateFitsAWholeQuarterHourOffsetWithinSlack(long minutes, boolean fits) {
        Instant givenUp = Instant.parse("2026-11-23T10:00:30Z");
        assertThat(ReceiptProcessor.submitDateFits(givenUp.plus(Duration.ofMinutes(minutes)), givenUp))
                .isEqualTo(fits);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Hello there|Hello there, how are you|true", "Hello|Hallo|false", "'  Hello '|Hello|true", "''|anything|true",
        "anything|''|true",
        // a quote longer than what we kept: only if we kept a cut text (20 characters)
        "Hello there, how are you|Hello there, how are|true", "link fault 1234|link fault 123|false",
        "Hello there, how are you|Hello|false"})
    void quotedTextAgreesWhenOneStartsTheOther(String quoted, String ours, boolean agrees) {
        assertThat(ReceiptProcessor.textAgrees(quoted, ours)).isEqualTo(agrees);
    }

    private MessageStatus status(Message m) {
        return store.find(m.id()).orElseThrow().status();
    }

    @Test
    void aConnectorSetNeverToMatchLeavesTheReceiptParked() throws Exception {
        smscs = List.of(new ConnectorConfig("smsc", "test", 0, 1,
                Map.of(ReceiptProcessor.MATCH_UNANSWERED_AFTER, "0")));
        Message m = unanswered("447700900123", "Meeting at noon");
        orphan("LOST-9", "447700900123", "Meeting at noon", Optional.empty());
        now.set(now.get().plus(Duration.ofMinutes(30)));

        receipts.retryParked();

        assertThat(store.parkedCount()).isEqualTo(1);
        assertThat(status(m)).isEqualTo(MessageStatus.UNKNOWN);
    }

    @Test
    void aConnectorSettingAShorterWaitMatchesSooner() throws Exception {
        smscs = List.of(new ConnectorConfig("smsc", "test", 0, 1,
                Map.of(ReceiptProcessor.MATCH_UNANSWERED_AFTER, "5")));
        Message m = unanswered("447700900123", "Meeting at noon");
        orphan("LOST-10", "447700900123", "Meeting at noon", Optional.empty());
        now.set(now.get().plusSeconds(6));

        receipts.retryParked();

        assertThat(status(m)).isEqualTo(MessageStatus.DELIVERED);
    }

    @ParameterizedTest
    @CsvSource({"-1", "abc", "1.5"})
    void aMatchSettingThatIsNotWholeSecondsIsRefused(String value) {
        ConnectorConfig c = new ConnectorConfig("smsc", "test", 0, 1,
                Map.of(ReceiptProcessor.MATCH_UNANSWERED_AFTER, value));
        assertThatThrownBy(() -> ReceiptProcessor.matchUnansweredAfter(c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ReceiptProcessor.MATCH_UNANSWERED_AFTER);
    }

    @Test
    void eachNodeRetriesOnlyTheParkedReceiptsOfTheReportPartitionsItHolds() throws Exception {
        Message mine = recorded(ReportRequest.FINAL);
        Message theirs = recorded(ReportRequest.FINAL);
        receipt("P-MINE", MessageStatus.DELIVERED);
        receipt("P-THEIRS", MessageStatus.DELIVERED);
        store.putCorrelation("smsc", "P-MINE", mine.id(), 1, 1);
        store.putCorrelation("smsc", "P-THEIRS", theirs.id(), 1, 1);
        receipts.owns = key -> key.equals(ReceiptProcessor.reportKey("smsc", "P-MINE"));

        receipts.retryParked();

        assertThat(published()).singleElement().isInstanceOfSatisfying(ClientDelivery.Report.class,
                r -> assertThat(r.report().messageId()).isEqualTo(mine.id()));
        assertThat(store.parkedCount()).as("the other node's, left to it").isEqualTo(1);
        // nor does this node give the other's up when it is old
        now.set(now.get().plus(Duration.ofMinutes(61)));
        receipts.retryParked();
        assertThat(store.parkedCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource({"smsc/1000568, 8", "sim/abc, 8", "a-very-long-connector-id/0000FFFF, 3", "x/, 1"})
    void aReceiptsPartitionIsTheOneTheProducerPicksForItsKey(String key, int partitions) {
        assertThat(ReportConsumer.partitionFor(key, partitions)).isEqualTo(
                org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(
                        key.getBytes(java.nio.charset.StandardCharsets.UTF_8), partitions));
    }
}
