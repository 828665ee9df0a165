package io.mgw.routing;

import io.mgw.testkit.store.InMemoryStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.config.AccountConfig;
import io.mgw.core.config.Accounts;
import io.mgw.core.model.Address;
import io.mgw.core.model.EventType;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageIdGenerator;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.Origin;
import io.mgw.core.model.ReportRequest;
import io.mgw.core.spi.ClientDelivery;
import io.mgw.core.store.MessageRecord;
import io.mgw.core.wire.WireFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExpirySweeperTest {

    private static final Duration VALIDITY = Duration.ofHours(1);
    private static final Duration GRACE = Duration.ofMinutes(10);
    private static final Duration TAKEOVER = Duration.ofHours(1);

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-23T10:00:00Z"));
    private final InstantSource clock = () -> now.get();
    private final InMemoryStore store = new InMemoryStore(clock);
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicReference<Accounts> accounts = new AtomicReference<>(new Accounts(List.of(
            new AccountConfig("acme", "x", List.of(), 0, 10, 5, List.of(), "hex", Duration.ofHours(1)))));
    /** This node is site 1, node 2; the other node of the cluster is site 1, node 3. */
    private final MessageIdGenerator ownIds = new MessageIdGenerator(1, 2, clock);
    private final MessageIdGenerator otherIds = new MessageIdGenerator(1, 3, clock);
    private final ExpirySweeper sweeper = new ExpirySweeper(store, producer, accounts::get, meters, clock,
            new ExpirySweeper.Options(Duration.ofMinutes(1), GRACE, TAKEOVER, 2, 10, Duration.ofHours(1),
                    Duration.ofDays(7), 1, 2));

    @AfterEach
    void close() {
        sweeper.close();
    }

    private MessageId submitted(MessageIdGenerator ids, ReportRequest rr, EventType type, MessageStatus status) {
        Message m = Message.builder().id(ids.next()).origin(new Origin("smpp", "acme", "n1", ""))
                .source(Address.of("S")).destination(Address.msisdn("4917")).text("text").reportRequest(rr)
                .receivedAt(now.get()).validUntil(now.get().plus(VALIDITY)).build();
        store.recordMessage(m, new MessageEvent(now.get(), EventType.ACCEPTED, MessageStatus.ACCEPTED, "", ""));
        store.appendEvent(m.id(), new MessageEvent(now.get(), type, status, "smsc", "remote id R"));
        return m.id();
    }

    private MessageId submitted(ReportRequest rr) {
        return submitted(ownIds, rr, EventType.SUBMITTED, MessageStatus.ENROUTE);
    }

    private MessageRecord record(MessageId id) {
        return store.find(id).orElseThrow();
    }

    private List<ClientDelivery> published() {
        return producer.history().stream().map(ProducerRecord::value).map(WireFormat::decodeClientDelivery).toList();
    }

    private double count(String name) {
        return meters.counter(name).count();
    }

    private void advance(Duration d) {
        now.set(now.get().plus(d));
    }

    @Test
    void expiresAnUnsettledSubmittedMessageAfterValidityAndGraceAndReportsIt() {
        MessageId id = submitted(ReportRequest.FINAL);

        advance(VALIDITY.plus(GRACE).plusSeconds(1));
        sweeper.sweep();

        MessageRecord r = record(id);
        assertThat(r.status()).isEqualTo(MessageStatus.EXPIRED);
        assertThat(r.history()).last().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.EXPIRED);
            assertThat(e.connector()).isEqualTo("smsc");
            assertThat(e.detail()).isEqualTo(ExpirySweeper.DETAIL);
        });
        assertThat(producer.history()).singleElement()
                .satisfies(p -> assertThat(p.topic()).isEqualTo("gw.deliver.acme"));
        assertThat(published()).singleElement().isInstanceOfSatisfying(ClientDelivery.Report.class, rep -> {
            assertThat(rep.report().messageId()).isEqualTo(id);
            assertThat(rep.report().status()).isEqualTo(MessageStatus.EXPIRED);
        });
        assertThat(count("gateway.sweeper.expired")).isEqualTo(1);
    }

    @Test
    void leavesAMessageAloneWithinTheGrace() {
        MessageId id = submitted(ReportRequest.FINAL);

        advance(VALIDITY.plus(GRACE).minusSeconds(1));
        sweeper.sweep();

        assertThat(record(id).status()).isEqualTo(MessageStatus.ENROUTE);
        assertThat(producer.history()).isEmpty();
        assertThat(count("gateway.sweeper.expired")).isZero();
    }

    @Test
    void leavesADeliveredMessageAlone() {
        MessageId id = submitted(ReportRequest.FINAL);
        store.appendEvent(id, new MessageEvent(now.get(), EventType.REPORT, MessageStatus.DELIVERED, "smsc", ""));

        advance(VALIDITY.plus(GRACE).plusSeconds(1));
        sweeper.sweep();

        assertThat(record(id).status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(record(id).history()).noneMatch(e -> e.type() == EventType.EXPIRED);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void expiresWithoutAReportWhenTheSenderDidNotAskForOne() {
        MessageId id = submitted(ReportRequest.NONE);

        advance(VALIDITY.plus(GRACE).plusSeconds(1));
        sweeper.sweep();

        assertThat(record(id).status()).isEqualTo(MessageStatus.EXPIRED);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void expiresWithoutAReportWhenTheAccountIsNoLongerConfigured() {
        MessageId id = submitted(ReportRequest.FINAL);
        accounts.set(new Accounts(List.of()));

        advance(VALIDITY.plus(GRACE).plusSeconds(1));
        sweeper.sweep();

        assertThat(record(id).status()).isEqualTo(MessageStatus.EXPIRED);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void expiresASubmitUnknownMessage() {
        MessageId id = submitted(ownIds, ReportRequest.FINAL, EventType.SUBMIT_UNKNOWN, MessageStatus.UNKNOWN);

        advance(VALIDITY.plus(GRACE).plusSeconds(1));
        sweeper.sweep();

        assertThat(record(id).status()).isEqualTo(MessageStatus.EXPIRED);
        assertThat(published()).hasSize(1);
    }

    @Test
    void anotherNodesMessageIsSweptOnlyAfterTheTakeoverDelay() {
        MessageId other = submitted(otherIds, ReportRequest.FINAL, EventType.SUBMITTED, MessageStatus.ENROUTE);

        advance(VALIDITY.plus(GRACE).plusSeconds(1));
        sweeper.sweep();
        assertThat(record(other).status()).isEqualTo(MessageStatus.ENROUTE);

        advance(TAKEOVER.minusSeconds(2));
        sweeper.sweep();
        assertThat(record(other).status()).isEqualTo(MessageStatus.ENROUTE);
        assertThat(producer.history()).isEmpty();

        advance(Duration.ofSeconds(2));
        sweeper.sweep();
        assertThat(record(other).status()).isEqualTo(MessageStatus.EXPIRED);
        assertThat(record(other).history()).last().satisfies(e -> assertThat(e.detail()).contains("node 1/3"));
        assertThat(published()).hasSize(1);
    }

    @Test
    void ownMessagesBehindAFullPageOfAnotherNodesMessagesAreStillSwept() {
        // the page is 2: three of the other node's messages come first, at the same validity end
        List<MessageId> others = List.of(
                submitted(otherIds, ReportRequest.NONE, EventType.SUBMITTED, MessageStatus.ENROUTE),
                submitted(otherIds, ReportRequest.NONE, EventType.SUBMITTED, MessageStatus.ENROUTE),
                submitted(otherIds, ReportRequest.NONE, EventType.SUBMITTED, MessageStatus.ENROUTE));
        advance(Duration.ofSeconds(1));
        MessageId own1 = submitted(ReportRequest.NONE);
        MessageId own2 = submitted(ReportRequest.NONE);
        MessageId own3 = submitted(ReportRequest.NONE);

        advance(VALIDITY.plus(GRACE).plusSeconds(1));
        sweeper.sweep();

        assertThat(List.of(own1, own2, own3)).allMatch(id -> record(id).status() == MessageStatus.EXPIRED);
        assertThat(others).allMatch(id -> record(id).status() == MessageStatus.ENROUTE);
    }

    @Test
    void aStoreReadFailureDoesNotStopTheNextSweep() {
        MessageId id = submitted(ReportRequest.FINAL);
        store.failUnsettledReads.set(1);

        advance(VALIDITY.plus(GRACE).plusSeconds(1));
        sweeper.sweep();
        assertThat(record(id).status()).isEqualTo(MessageStatus.ENROUTE);
        assertThat(count("gateway.sweeper.errors")).isEqualTo(1);

        advance(Duration.ofMinutes(1));
        sweeper.sweep();
        assertThat(record(id).status()).isEqualTo(MessageStatus.EXPIRED);
        assertThat(published()).hasSize(1);
    }

    /** Each sweep schedules the next one when it returns: one that threw was the last. */
    @Test
    void aJavaErrorInASweepIsCountedAndTheNextSweepStillRuns() {
        MessageId id = submitted(ReportRequest.FINAL);
        store.nextReadError.set(new StackOverflowError("(test)"));

        advance(VALIDITY.plus(GRACE).plusSeconds(1));
        assertThat(sweeper.sweep()).isFalse();
        assertThat(record(id).status()).isEqualTo(MessageStatus.ENROUTE);
        assertThat(count("gateway.sweeper.errors")).isEqualTo(1);

        advance(Duration.ofMinutes(1));
        sweeper.sweep();
        assertThat(record(id).status()).isEqualTo(MessageStatus.EXPIRED);
    }

    /** The purge runs as a periodic task, which is never run again once it throws. */
    @Test
    void aJavaErrorInAPurgeIsCountedAndTheNextPurgeStillRuns() {
        MessageId old = submitted(ReportRequest.NONE);
        advance(Duration.ofDays(7).plusSeconds(1));
        store.nextReadError.set(new NoClassDefFoundError("some/Library (test)"));

        sweeper.purge();
        assertThat(store.find(old)).isPresent();
        assertThat(count("gateway.sweeper.errors")).isEqualTo(1);

        sweeper.purge();
        assertThat(store.find(old)).isEmpty();
    }

    @Test
    void aFailedReportLeavesTheMessageUnsettledForTheNextSweep() {
        MockProducer<String, byte[]> failing =
                new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        failing.close(); // sends on a closed producer fail at once
        try (ExpirySweeper s = new ExpirySweeper(store, failing, accounts::get, meters, clock,
                ExpirySweeper.Options.defaults().withOwner(1, 2))) {
            MessageId id = submitted(ReportRequest.FINAL);
            advance(VALIDITY.plus(GRACE).plusSeconds(1));
            s.sweep();
            assertThat(record(id).status()).isEqualTo(MessageStatus.ENROUTE);
            assertThat(count("gateway.sweeper.errors")).isEqualTo(1);

            sweeper.sweep(); // the working producer: the message is picked up again
            assertThat(record(id).status()).isEqualTo(MessageStatus.EXPIRED);
        }
    }

    @Test
    void theWatermarkSkipsWhatWasAlreadySettled() {
        MessageId first = submitted(ReportRequest.NONE);
        advance(VALIDITY.plus(GRACE).plusSeconds(1));
        sweeper.sweep();
        assertThat(record(first).status()).isEqualTo(MessageStatus.EXPIRED);

        // an own message recorded late, its validity end already behind the watermark: the own scan does not see it
        Message late = Message.builder().id(ownIds.next()).origin(new Origin("smpp", "acme", "n1", ""))
                .source(Address.of("S")).destination(Address.msisdn("4917")).text("text")
                .reportRequest(ReportRequest.NONE).receivedAt(now.get()).validUntil(now.get().minus(GRACE)
                        .minusSeconds(30)).build();
        store.recordMessage(late, new MessageEvent(now.get(), EventType.ACCEPTED, MessageStatus.ACCEPTED, "", ""));
        advance(Duration.ofMinutes(1));
        sweeper.sweep();
        assertThat(record(late.id()).status()).isEqualTo(MessageStatus.ACCEPTED);

        // ... but the takeover scan does
        advance(TAKEOVER);
        sweeper.sweep();
        assertThat(record(late.id()).status()).isEqualTo(MessageStatus.EXPIRED);
    }

    @Test
    void aRestartedSweeperGoesOnFromItsSavedWatermarks() {
        MessageId first = submitted(ReportRequest.NONE);
        advance(VALIDITY.plus(GRACE).plusSeconds(1));
        sweeper.sweep();
        assertThat(record(first).status()).isEqualTo(MessageStatus.EXPIRED);
        Instant ownMark = now.get().minus(GRACE);
        assertThat(store.mark("sweeper.own.1.2")).contains(ownMark);
        assertThat(store.mark("sweeper.any.1.2")).contains(ownMark.minus(TAKEOVER));
        sweeper.close();

        MessageId second = submitted(ReportRequest.NONE);
        advance(VALIDITY.plus(GRACE).plusSeconds(1));
        store.unsettledFrom.clear();
        try (ExpirySweeper restarted = new ExpirySweeper(store, producer, accounts::get, meters, clock,
                sweeper.options())) {
            restarted.sweep();
            // each scan starts at its saved watermark, not at the beginning of the kept history
            assertThat(store.unsettledFrom).containsExactly(ownMark, ownMark.minus(TAKEOVER));
            assertThat(record(second).status()).isEqualTo(MessageStatus.EXPIRED);
            assertThat(store.mark("sweeper.own.1.2")).contains(now.get().minus(GRACE));
        }
    }

    @Test
    void watermarksThatCannotBeReadSkipTheSweepInsteadOfScanningFromTheBeginning() {
        MessageId id = submitted(ReportRequest.NONE);
        advance(VALIDITY.plus(GRACE).plusSeconds(1));
        store.failMarks.set(1);

        assertThat(sweeper.sweep()).isFalse();
        assertThat(store.unsettledFrom).isEmpty();
        assertThat(record(id).status()).isEqualTo(MessageStatus.ENROUTE);
        assertThat(count("gateway.sweeper.errors")).isEqualTo(1);

        sweeper.sweep();
        assertThat(record(id).status()).isEqualTo(MessageStatus.EXPIRED);
    }

    @Test
    void aWatermarkThatCannotBeSavedIsSavedByALaterSweep() {
        sweeper.sweep();
        Instant before = store.mark("sweeper.own.1.2").orElseThrow();
        advance(Duration.ofMinutes(1));
        store.failMarks.set(1); // the own watermark's save

        sweeper.sweep();
        assertThat(count("gateway.sweeper.errors")).isEqualTo(1);
        assertThat(store.mark("sweeper.own.1.2")).contains(before);
        assertThat(store.mark("sweeper.any.1.2")).contains(now.get().minus(GRACE).minus(TAKEOVER));

        sweeper.sweep(); // the same instant: the watermark does not move, but the store is behind
        assertThat(store.mark("sweeper.own.1.2")).contains(now.get().minus(GRACE));
        assertThat(count("gateway.sweeper.errors")).isEqualTo(1);
    }

    @Test
    void aLongPurgeDoesNotHoldUpTheSweeps() throws Exception {
        CountDownLatch purging = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        store.beforePurge = () -> {
            purging.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        MessageId id = submitted(ReportRequest.FINAL);
        advance(VALIDITY.plus(GRACE).plusSeconds(1));
        // the first purge starts 1 ms after start and is held; the first sweep is due 50 ms after start
        try (ExpirySweeper started = new ExpirySweeper(store, producer, accounts::get, meters, clock,
                new ExpirySweeper.Options(Duration.ofMillis(50), GRACE, TAKEOVER, 2, 10, Duration.ofMillis(1),
                        Duration.ofDays(7), 1, 2))) {
            started.start();
            assertThat(purging.await(10, TimeUnit.SECONDS)).as("purge started").isTrue();

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(record(id).status()).isEqualTo(MessageStatus.EXPIRED));
            assertThat(release.getCount()).as("the purge was still held").isOne();
            release.countDown();
        }
    }

    @Test
    void purgeRemovesStateOlderThanTheRetentionAndCountsIt() {
        MessageId old = submitted(ReportRequest.NONE);
        advance(Duration.ofDays(7).plusSeconds(1));
        MessageId recent = submitted(ReportRequest.NONE);

        sweeper.purge();

        assertThat(store.find(old)).isEmpty();
        assertThat(store.find(recent)).isPresent();
        assertThat(count("gateway.store.purged")).isEqualTo(1);
    }

    @Test
    void ofTwoNodesSharingTheStoreOnePurgesPerPeriod() {
        AtomicInteger purges = new AtomicInteger();
        store.beforePurge = purges::incrementAndGet;
        // the other node of the cluster: same store, same hourly purge, its own timer
        try (ExpirySweeper other = new ExpirySweeper(store, producer, accounts::get, new SimpleMeterRegistry(), clock,
                new ExpirySweeper.Options(Duration.ofMinutes(1), GRACE, TAKEOVER, 2, 10, Duration.ofHours(1),
                        Duration.ofDays(7), 1, 3))) {
            sweeper.purge();
            assertThat(purges).as("this node took the first turn").hasValue(1);

            advance(Duration.ofMinutes(20));
            other.purge();
            assertThat(purges).as("twenty minutes later the other node leaves it").hasValue(1);

            advance(Duration.ofMinutes(35));
            sweeper.purge();
            assertThat(purges).as("a little less than a period after its own turn, this node takes the next")
                    .hasValue(2);
            other.purge();
            assertThat(purges).as("and the other node, whose turn came just after, leaves it").hasValue(2);

            advance(Duration.ofMinutes(60));
            other.purge();
            assertThat(purges).as("a period later whoever comes first purges").hasValue(3);
        }
    }

    @Test
    void aPurgeTurnTakenByAnotherNodeBetweenReadAndClaimIsLeftToIt() {
        AtomicInteger purges = new AtomicInteger();
        store.beforePurge = purges::incrementAndGet;
        sweeper.purge();
        advance(Duration.ofHours(1));
        // another node read the same mark and claimed it first
        Instant last = store.mark(ExpirySweeper.PURGE_MARK).orElseThrow();
        assertThat(store.claimMark(ExpirySweeper.PURGE_MARK, Optional.of(last), now.get())).isTrue();

        sweeper.purge();

        assertThat(purges).hasValue(1);
    }

    @Test
    void aPurgeWhoseTurnCannotBeReadIsCountedAsAnErrorAndTriedNextTime() {
        MessageId old = submitted(ReportRequest.NONE);
        advance(Duration.ofDays(7).plusSeconds(1));
        store.failMarks.set(1);

        sweeper.purge();
        assertThat(store.find(old)).isPresent();
        assertThat(count("gateway.sweeper.errors")).isEqualTo(1);

        sweeper.purge();
        assertThat(store.find(old)).isEmpty();
    }

    @Test
    void aBacklogAfterARestartIsReadInBoundedSweeps() {
        // a restarted node: its watermarks start at the beginning, nine unsettled messages wait; pages of 2, at most 2
        // pages per scan and sweep
        List<MessageId> backlog = new java.util.ArrayList<>();
        for (int i = 0; i < 9; i++) {
            backlog.add(submitted(ReportRequest.NONE));
            advance(Duration.ofSeconds(1));
        }
        advance(VALIDITY.plus(GRACE));
        try (ExpirySweeper restarted = new ExpirySweeper(store, producer, accounts::get, meters, clock,
                new ExpirySweeper.Options(Duration.ofMinutes(1), GRACE, TAKEOVER, 2, 2, Duration.ofHours(1),
                        Duration.ofDays(7), 1, 2))) {
            assertThat(restarted.sweep()).as("more waiting").isTrue();
            assertThat(backlog).filteredOn(id -> record(id).status() == MessageStatus.EXPIRED)
                    .containsExactlyElementsOf(backlog.subList(0, 4));

            assertThat(restarted.sweep()).isTrue();
            assertThat(backlog).filteredOn(id -> record(id).status() == MessageStatus.EXPIRED)
                    .containsExactlyElementsOf(backlog.subList(0, 8));

            assertThat(restarted.sweep()).as("backlog read").isFalse();
            assertThat(backlog).allMatch(id -> record(id).status() == MessageStatus.EXPIRED);
            assertThat(count("gateway.sweeper.expired")).isEqualTo(9);
            assertThat(count("gateway.sweeper.errors")).isZero();
        }
    }

    @Test
    void retimeAppliesTheNewGraceFromTheNextSweep() {
        MessageId id = submitted(ReportRequest.FINAL);
        advance(VALIDITY.plus(Duration.ofMinutes(2)));
        sweeper.sweep();
        assertThat(record(id).status()).isEqualTo(MessageStatus.ENROUTE);

        sweeper.retime(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(30));
        assertThat(sweeper.options().interval()).isEqualTo(Duration.ofSeconds(30));
        sweeper.sweep();

        assertThat(record(id).status()).isEqualTo(MessageStatus.EXPIRED);
        assertThat(published()).hasSize(1);
    }

    @Test
    void retimeRejectsAZeroIntervalAndKeepsTheRunningOptions() {
        assertThatThrownBy(() -> sweeper.retime(Duration.ZERO, GRACE, TAKEOVER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval: PT0S");
        assertThat(sweeper.options().interval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void optionsRejectFewerThanTwoPagesPerSweep() {
        assertThatThrownBy(() -> new ExpirySweeper.Options(Duration.ofMinutes(1), GRACE, TAKEOVER, 2, 1,
                Duration.ofHours(1), Duration.ofDays(7), 1, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxPages: 1 (expected: >= 2)");
    }

    @Test
    void optionsRejectAZeroInterval() {
        assertThatThrownBy(() -> new ExpirySweeper.Options(Duration.ZERO, GRACE, TAKEOVER, 1, 2, Duration.ofHours(1),
                Duration.ofDays(7), 1, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("interval");
    }

    @Test
    void optionsRejectAZeroPage() {
        assertThatThrownBy(() -> new ExpirySweeper.Options(Duration.ofMinutes(1), GRACE, TAKEOVER, 0, 2,
                Duration.ofHours(1), Duration.ofDays(7), 1, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("page: 0");
    }
}
