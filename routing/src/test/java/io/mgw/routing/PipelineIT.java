package io.mgw.routing;

import io.mgw.testkit.store.InMemoryStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.config.AccountConfig;
import io.mgw.core.config.ConnectorConfig;
import io.mgw.core.config.KafkaConfig;
import io.mgw.core.config.RouteConfig;
import io.mgw.core.model.Address;
import io.mgw.core.model.Direction;
import io.mgw.core.model.EventType;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageIdGenerator;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.Origin;
import io.mgw.core.model.ReportRequest;
import io.mgw.core.spi.ClientDelivery;
import io.mgw.core.spi.DeliveryRegistry;
import io.mgw.core.spi.SouthReceipt;
import io.mgw.core.spi.SubmitOutcome;
import io.mgw.core.store.MessageRecord;
import io.mgw.core.store.UnknownSubmission;
import io.mgw.routing.internal.Backoff;
import io.mgw.routing.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The whole pipeline on one real embedded broker: ingress, rules, egress, receipts, client delivery. */
class PipelineIT {

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    // generous producer timeouts: the shared CI machine can stall the broker for seconds
    static final KafkaConfig KAFKA = new KafkaConfig(Optional.empty(), 3, 2, false, 4, 2,
            Map.of("delivery.timeout.ms", "40000", "request.timeout.ms", "15000", "max.block.ms", "30000"), Map.of());
    static final InstantSource CLOCK = InstantSource.system();
    static final MessageIdGenerator IDS = new MessageIdGenerator(1, 1, CLOCK);
    static final AtomicInteger NAMES = new AtomicInteger();

    final List<RoutingEngine> engines = new ArrayList<>();
    final List<DeliveryRegistry.Registration> registrations = new ArrayList<>();
    final Map<String, TestConnector> connectors = new ConcurrentHashMap<>();
    InMemoryStore store;
    SimpleMeterRegistry meters;

    @BeforeAll
    static void startKafka() {
        kafka = new EmbeddedKafka(dir.resolve("kafka"), 0);
        kafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @AfterEach
    void closeEngines() {
        registrations.forEach(DeliveryRegistry.Registration::close);
        engines.forEach(RoutingEngine::close);
    }

    static String unique(String prefix) {
        return prefix + NAMES.incrementAndGet();
    }

    static AccountConfig account(String id, String... allowed) {
        return new AccountConfig(id, "x", List.of(), 0, 10, 5, List.of(allowed), "hex", Duration.ofHours(1));
    }

    static ConnectorConfig connector(String id) {
        return new ConnectorConfig(id, "test", 0, 2, Map.of("egress.inflight", "100"));
    }

    static RouteConfig mt(String name, String prefix, String... conns) {
        return new RouteConfig(name, "MT", Optional.of(prefix), Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(conns), Optional.empty());
    }

    static RoutingEngine.Settings settings() {
        Backoff fast = new Backoff(Duration.ofMillis(50), Duration.ofMillis(500));
        return new RoutingEngine.Settings(Duration.ofMinutes(1), Duration.ofMillis(200), Duration.ofHours(1),
                Duration.ofSeconds(40), 10_000,
                new ClientDeliveryDispatcher.Options(50, 500, Duration.ofSeconds(1), fast),
                c -> new EgressService.Options(100, 1000, fast, Duration.ofMillis(100)));
    }

    RoutingEngine engine(List<RouteConfig> routes, List<ConnectorConfig> conns, List<AccountConfig> accounts) {
        if (store == null) {
            store = new InMemoryStore(CLOCK);
            meters = new SimpleMeterRegistry();
        }
        RoutingEngine e = new RoutingEngine(KAFKA, kafka.bootstrapServers(), routes, conns, accounts, store, meters,
                CLOCK, c -> connectors.computeIfAbsent(c.id(), TestConnector::new), settings());
        engines.add(e);
        e.start();
        return e;
    }

    static Message mt(String account, String dest, String text, ReportRequest rr) {
        return Message.builder().id(IDS.next()).origin(new Origin("test", account, "n1", ""))
                .source(Address.of("SENDER")).destination(Address.msisdn(dest)).text(text).reportRequest(rr)
                .build();
    }

    static void accept(RoutingEngine e, Message m) throws Exception {
        e.ingressSink().accept(m).toCompletableFuture().get(45, TimeUnit.SECONDS);
    }

    /** Hands all of {@code ms} to the ingress at once and waits for every ack. */
    static void acceptAll(RoutingEngine e, List<Message> ms) throws Exception {
        CompletableFuture.allOf(ms.stream().map(m -> e.ingressSink().accept(m).toCompletableFuture())
                .toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    /** {@code n} MT messages of {@code account} without report, to {@code destPrefix + i} with text "m" + i. */
    static List<Message> mts(String account, String destPrefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> mt(account, destPrefix + i, "m" + i, ReportRequest.NONE)).toList();
    }

    TestTarget target(RoutingEngine e, String account) {
        TestTarget t = new TestTarget(unique("t"), 10);
        registrations.add(e.deliveryRegistry().register(account, t));
        return t;
    }

    MessageStatus status(Message m) {
        return store.find(m.id()).map(MessageRecord::status).orElse(null);
    }

    boolean hasEvent(Message m, EventType type) {
        return store.find(m.id()).map(r -> r.history().stream().anyMatch(ev -> ev.type() == type)).orElse(false);
    }

    static void awaitTrue(java.util.concurrent.Callable<Boolean> c) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(c);
    }

    @Test
    void endToEndIngressRuleEgressReceiptAndReportToTheClient() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("de", "49", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestTarget target = target(e, acct);
        Message m = mt(acct, "4917000001", "hello world", ReportRequest.FINAL);
        accept(e, m);

        TestConnector c = connectors.get(conn);
        awaitTrue(() -> c.acceptedSnapshot().size() == 1);
        Message sent = c.acceptedSnapshot().get(0);
        assertThat(sent.id()).isEqualTo(m.id());
        assertThat(sent.attribute(Router.ATTR_ROUTE)).contains("de");
        awaitTrue(() -> hasEvent(m, EventType.SUBMITTED));
        assertThat(c.rateShare).isEqualTo(1.0);

        String remoteId = conn + "-1";
        assertThat(store.findCorrelation(conn, remoteId)).isPresent();
        e.receiptSink().onReceipt(new SouthReceipt(conn, remoteId, MessageStatus.DELIVERED, 0, Optional.empty(),
                Optional.empty(), CLOCK.instant())).toCompletableFuture().get(10, TimeUnit.SECONDS);

        awaitTrue(() -> target.reports().size() >= 1);
        ClientDelivery.Report r = target.reports().get(0);
        assertThat(r.report().messageId()).isEqualTo(m.id());
        assertThat(r.report().status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(r.destination().value()).isEqualTo("4917000001");
        assertThat(r.textPreview()).isEqualTo("hello world");
        awaitTrue(() -> hasEvent(m, EventType.DELIVERED_TO_CLIENT));
        assertThat(status(m)).isEqualTo(MessageStatus.DELIVERED);
        assertThat(store.find(m.id()).orElseThrow().history()).extracting(ev -> ev.type())
                .containsSubsequence(EventType.ACCEPTED, EventType.ROUTED, EventType.SUBMITTED, EventType.REPORT);
    }

    @Test
    void unroutableAndForbiddenDestinationsAreRejectedWithAReport() throws Exception {
        String acct = unique("acme");
        String limited = unique("limited");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("de", "49", conn)), List.of(connector(conn)),
                List.of(account(acct), account(limited, "4930")));
        TestTarget t1 = target(e, acct);
        TestTarget t2 = target(e, limited);
        Message noRoute = mt(acct, "3312345", "x", ReportRequest.FINAL);
        Message forbidden = mt(limited, "4917123", "x", ReportRequest.FAILURE);
        Message quiet = mt(acct, "3399999", "x", ReportRequest.NONE);
        Message multi = mt(acct, "4911", "x", ReportRequest.NONE)
                .withDestinations(List.of(Address.msisdn("4911"), Address.msisdn("4922")));
        accept(e, multi);
        accept(e, noRoute);
        accept(e, forbidden);
        accept(e, quiet);

        awaitTrue(() -> t1.reports().size() >= 1 && t2.reports().size() >= 1);
        assertThat(t1.reports().get(0).report().status()).isEqualTo(MessageStatus.REJECTED);
        assertThat(t1.reports().get(0).report().reason()).isEqualTo("no route for destination 3312345");
        assertThat(t2.reports().get(0).report().reason()).contains("not allowed");
        awaitTrue(() -> status(quiet) == MessageStatus.REJECTED);
        assertThat(status(noRoute)).isEqualTo(MessageStatus.REJECTED);
        assertThat(status(forbidden)).isEqualTo(MessageStatus.REJECTED);
        awaitTrue(() -> status(multi) == MessageStatus.REJECTED);
        assertThat(connectors.get(conn).submitsSnapshot()).isEmpty();
        assertThat(reportIds(t1)).doesNotContain(quiet.id());
    }

    @Test
    void failoverWhenThePrimaryIsUnavailable() throws Exception {
        String acct = unique("acme");
        String primary = unique("primary");
        String backup = unique("backup");
        RoutingEngine e = engine(List.of(mt("de", "49", primary, backup)),
                List.of(connector(primary), connector(backup)), List.of(account(acct)));
        TestConnector p = connectors.get(primary);
        TestConnector b = connectors.get(backup);

        // 1: the router already sees the primary down and picks the backup
        p.available = false;
        Message first = mt(acct, "491", "one", ReportRequest.NONE);
        accept(e, first);
        awaitTrue(() -> b.acceptedSnapshot().size() == 1);

        // 2: the primary looks up when routed, then its circuit opens on submit: egress diverts to the backup
        p.available = true;
        p.behaviour = m -> {
            p.available = false;
            return CompletableFuture.completedFuture(new SubmitOutcome.TemporaryFailure(-1, "circuit open"));
        };
        Message second = mt(acct, "492", "two", ReportRequest.NONE);
        accept(e, second);
        awaitTrue(() -> b.acceptedSnapshot().size() == 2);
        assertThat(p.submitsSnapshot()).extracting(Message::id).containsExactly(second.id());
        assertThat(p.acceptedSnapshot()).isEmpty();
        assertThat(b.acceptedSnapshot().get(1).attribute(Router.ATTR_FAILOVER)).contains("");
        awaitTrue(() -> store.find(second.id()).orElseThrow().history().stream()
                .anyMatch(ev -> ev.type() == EventType.ROUTED && ev.connector().equals(backup)));
        assertThat(meters.counter("gateway.egress.failover", "connector", primary).count()).isEqualTo(1);
    }

    @Test
    void throttledPartitionKeepsOrderPerDestination() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestConnector c = connectors.get(conn);
        Set<String> throttledOnce = ConcurrentHashMap.newKeySet();
        var later = CompletableFuture.delayedExecutor(2, TimeUnit.MILLISECONDS);
        c.behaviour = m -> {
            String text = ((io.mgw.core.model.Content.Text) m.content()).text();
            int i = Integer.parseInt(text.substring(text.indexOf('-') + 1));
            if (i % 4 == 1 && throttledOnce.add(text)) {
                return CompletableFuture.completedFuture(new SubmitOutcome.Throttled(Duration.ofMillis(30), "slow"));
            }
            return CompletableFuture.supplyAsync(c::accept, later);
        };
        int perDest = 20;
        List<String> dests = List.of("4900001", "4900002", "4900003");
        acceptAll(e, IntStream.range(0, perDest).boxed()
                .flatMap(i -> dests.stream().map(d -> mt(acct, d, d + "-" + i, ReportRequest.NONE))).toList());
        awaitTrue(() -> c.acceptedSnapshot().size() == perDest * dests.size());
        for (String d : dests) {
            assertThat(c.acceptedTextByDest.get(d))
                    .containsExactlyElementsOf(IntStream.range(0, perDest).mapToObj(i -> d + "-" + i).toList());
        }
        assertThat(c.maxInFlightPerDest.get()).isEqualTo(1);
        assertThat(meters.counter("gateway.egress.throttled", "connector", conn).count())
                .isEqualTo(throttledOnce.size()).isPositive();
    }

    /** What the seeded connector below answers to one attempt of a message. */
    private enum Answer { ACCEPT, THROTTLED, TEMPORARY, PERMANENT, UNKNOWN }

    /** The answer to attempt {@code attempt} (0-based) of the message with {@code text}, fixed by the seed. */
    private static Answer answer(long seed, String text, int attempt) {
        int r = new java.util.Random(seed * 1_000_003L + text.hashCode() * 31L + attempt).nextInt(100);
        return r < 60 ? Answer.ACCEPT : r < 72 ? Answer.THROTTLED : r < 82 ? Answer.TEMPORARY
                : r < 90 ? Answer.PERMANENT : r < 95 ? Answer.UNKNOWN : Answer.ACCEPT;
    }

    /**
     * A seeded mix of every answer a connector gives (RELIABILITY.md B.7 item 4, for the egress): each attempt of each
     * message is answered as the seed says, accepted, throttled, failed for now, refused for good or left unknown, a
     * few milliseconds later or at once, so the order of events differs from seed to seed while what each message must
     * go through is known in advance. The oracle: every message is tried exactly as often as its answers say (retried
     * after a throttle or a temporary failure, never after acceptance, refusal or an unknown outcome), ends with the
     * event its last answer calls for, and per destination the submits go out in the order the messages came (a retry
     * before any later message of its destination), one at a time. A failure names its seed.
     */
    static java.util.stream.LongStream seeds() {
        return java.util.stream.LongStream.rangeClosed(1, 30);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aSeededMixOfConnectorAnswersKeepsOrderPerDestinationAndTriesEachMessageAsOftenAsItMust(long seed)
            throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestConnector c = connectors.get(conn);
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        c.behaviour = m -> {
            String text = ((io.mgw.core.model.Content.Text) m.content()).text();
            int attempt = attempts.computeIfAbsent(text, k -> new AtomicInteger()).getAndIncrement();
            SubmitOutcome o = switch (answer(seed, text, attempt)) {
                case ACCEPT -> c.accept();
                case THROTTLED -> new SubmitOutcome.Throttled(Duration.ofMillis(5 + attempt * 5L), "slow down");
                case TEMPORARY -> new SubmitOutcome.TemporaryFailure(0x08, "system error");
                case PERMANENT -> new SubmitOutcome.PermanentFailure(0x0B, "invalid destination");
                case UNKNOWN -> new SubmitOutcome.Unknown("response timeout", List.of());
            };
            int delay = Math.floorMod(text.hashCode() + attempt, 4);
            return delay == 0 ? CompletableFuture.completedFuture(o)
                    : CompletableFuture.supplyAsync(() -> o,
                            CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS));
        };
        List<String> dests = List.of("4911001", "4911002", "4911003", "4911004", "4911005", "4911006");
        int perDest = 20;
        List<Message> all = IntStream.range(0, perDest).boxed()
                .flatMap(i -> dests.stream().map(d -> mt(acct, d, d + "-" + i, ReportRequest.NONE))).toList();
        acceptAll(e, all);

        // what each message must go through: attempts until an answer that ends it
        Map<String, Integer> expectedAttempts = new HashMap<>();
        Map<String, Answer> expectedEnd = new HashMap<>();
        for (Message m : all) {
            String text = ((io.mgw.core.model.Content.Text) m.content()).text();
            int n = 0;
            Answer a;
            while ((a = answer(seed, text, n)) == Answer.THROTTLED || a == Answer.TEMPORARY) {
                n++;
            }
            expectedAttempts.put(text, n + 1);
            expectedEnd.put(text, a);
        }
        Map<Answer, EventType> endEvent = Map.of(Answer.ACCEPT, EventType.SUBMITTED, Answer.PERMANENT,
                EventType.REJECTED, Answer.UNKNOWN, EventType.SUBMIT_UNKNOWN);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> all.stream()
                .allMatch(m -> hasEvent(m, endEvent.get(expectedEnd.get(((io.mgw.core.model.Content.Text) m
                        .content()).text())))));

        Map<String, Integer> tried = new HashMap<>();
        Map<String, List<Integer>> orderByDest = new HashMap<>();
        for (Message m : c.submitsSnapshot()) {
            String text = ((io.mgw.core.model.Content.Text) m.content()).text();
            tried.merge(text, 1, Integer::sum);
            orderByDest.computeIfAbsent(m.destination().value(), k -> new ArrayList<>())
                    .add(Integer.parseInt(text.substring(text.indexOf('-') + 1)));
        }
        assertThat(tried).as("seed %d: submits per message", seed).isEqualTo(expectedAttempts);
        for (String d : dests) {
            assertThat(orderByDest.get(d)).as("seed %d: messages submitted to %s, in order", seed, d).isSorted();
        }
        assertThat(c.maxInFlightPerDest.get()).as("seed %d", seed).isEqualTo(1);
        for (Message m : all) {
            String text = ((io.mgw.core.model.Content.Text) m.content()).text();
            Answer end = expectedEnd.get(text);
            assertThat(status(m)).as("seed %d: %s after %s", seed, text, end).isEqualTo(switch (end) {
                case ACCEPT -> MessageStatus.ENROUTE;
                case PERMANENT -> MessageStatus.UNDELIVERABLE;
                default -> MessageStatus.UNKNOWN;
            });
        }
    }

    @Test
    void permanentFailureEndsUndeliverableAndUnknownOutcomeIsNeverResubmitted() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestTarget target = target(e, acct);
        TestConnector c = connectors.get(conn);
        c.behaviour = m -> CompletableFuture.completedFuture(m.destination().value().equals("4966")
                ? new SubmitOutcome.PermanentFailure(0x0B, "invalid destination")
                : new SubmitOutcome.Unknown("response timeout", List.of()));
        Message refused = mt(acct, "4966", "x", ReportRequest.FINAL);
        Message unknown = mt(acct, "4977", "y", ReportRequest.FINAL);
        accept(e, refused);
        accept(e, unknown);
        awaitTrue(() -> target.reports().size() >= 1 && hasEvent(unknown, EventType.SUBMIT_UNKNOWN));
        assertThat(target.reports().get(0).report().status()).isEqualTo(MessageStatus.UNDELIVERABLE);
        assertThat(target.reports().get(0).report().errorCode()).isEqualTo(0x0B);
        assertThat(status(refused)).isEqualTo(MessageStatus.UNDELIVERABLE);
        assertThat(store.isSubmitted(unknown.id(), conn, 1)).isTrue();
        // remembered for a receipt that names an id we never learned; the refused one is not
        assertThat(store.unknownSubmissions(conn, "4977", 10)).extracting(UnknownSubmission::id)
                .containsExactly(unknown.id());
        assertThat(store.unknownSubmissions(conn, "4966", 10)).isEmpty();
        assertThat(c.submitsSnapshot()).extracting(Message::id).containsExactlyInAnyOrder(refused.id(), unknown.id());
        assertThat(meters.counter("gateway.egress.unknown", "connector", conn).count()).isEqualTo(1);
        assertThat(meters.find("gateway.egress.lag").tag("connector", conn).gauge()).isNotNull();
    }

    @Test
    void anAcceptedSubmitWhoseRecordCannotBeWrittenIsNotSentAgainAndIsRecordedOnceTheStoreTakesIt() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestConnector c = connectors.get(conn);
        // the store refuses the submission record three times (a full disk), then takes it
        store.failSubmissionRecords.set(3);
        Message m = mt(acct, "4977", "recorded late", ReportRequest.FINAL);
        Message behind = mt(acct, "4977", "behind it", ReportRequest.FINAL);
        accept(e, m);
        accept(e, behind);

        awaitTrue(() -> hasEvent(m, EventType.SUBMITTED) && hasEvent(behind, EventType.SUBMITTED));

        // sent once each, in order: the record was written again, not the message sent again
        assertThat(c.submitsSnapshot()).extracting(Message::id).containsExactly(m.id(), behind.id());
        assertThat(store.isSubmitted(m.id(), conn, 1)).isTrue();
        assertThat(meters.counter("gateway.egress.write.retried", "connector", conn).count()).isEqualTo(3);
    }

    @Test
    void noMessageIsSentWhileTheStoreRefusesWritesAndEachGoesOutOnceItTakesThemAgain() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        store = new InMemoryStore(CLOCK);
        meters = new SimpleMeterRegistry();
        // a full disk: the store's writes fail and its health check's own write fails too
        store.setHealthy(false); // first: a check in between would find it healthy and clear the refusal
        store.setWritesRefused(true);
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestConnector c = connectors.get(conn);
        Message m = mt(acct, "4981", "held back", ReportRequest.FINAL);
        accept(e, m);

        // the egress has it in hand and starts nothing: a message sent now could not be recorded as sent
        awaitTrue(() -> meters.counter("gateway.egress.store.held", "connector", conn).count() == 1
                && meters.get("gateway.egress.waiting").tag("connector", conn).gauge().value() == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> c.submitsSnapshot().isEmpty());
        int checks = store.healthChecks.get();
        awaitTrue(() -> store.healthChecks.get() > checks); // checked again while held, not only once

        store.setHealthy(true); // the next check finds it taking writes again
        awaitTrue(() -> hasEvent(m, EventType.SUBMITTED));
        assertThat(c.submitsSnapshot()).extracting(Message::id).containsExactly(m.id());
        assertThat(meters.counter("gateway.egress.store.held", "connector", conn).count()).isEqualTo(1);
        assertThat(meters.get("gateway.egress.waiting").tag("connector", conn).gauge().value()).isZero();
    }

    @Test
    void noReceiptIsHandledWhileTheStoreRefusesWritesAndItsReportGoesOutOnceAfter() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestTarget target = target(e, acct);
        Message m = mt(acct, "4983", "receipt held", ReportRequest.FINAL);
        accept(e, m);
        awaitTrue(() -> hasEvent(m, EventType.SUBMITTED));

        store.setHealthy(false); // first: a check in between would find it healthy and clear the refusal
        store.setWritesRefused(true);
        // taken from the connector all the same: it is in Kafka (gw.report)
        e.receiptSink().onReceipt(new SouthReceipt(conn, conn + "-1", MessageStatus.DELIVERED, 0, Optional.empty(),
                Optional.empty(), CLOCK.instant())).toCompletableFuture().get(10, TimeUnit.SECONDS);
        awaitTrue(() -> meters.counter("gateway.receipt.store.held").count() == 1);
        // its report would be forwarded before its event could be written: a crash would forward it again
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> target.reports().isEmpty());
        assertThat(hasEvent(m, EventType.REPORT)).isFalse();

        store.setHealthy(true);
        awaitTrue(() -> hasEvent(m, EventType.REPORT) && target.reports().size() == 1);
        assertThat(target.reports().get(0).report().status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(meters.counter("gateway.receipt.store.held").count()).isEqualTo(1);
    }

    @Test
    void oneBadWriteDoesNotHoldTheEgressBackOnceTheStoresCheckFindsItTakingWrites() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        store = new InMemoryStore(CLOCK);
        meters = new SimpleMeterRegistry();
        // the last write failed (a constraint, say), but the store's health check writes fine
        store.setWritesRefused(true);
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestConnector c = connectors.get(conn);
        Message m = mt(acct, "4982", "not held", ReportRequest.FINAL);
        accept(e, m);

        awaitTrue(() -> hasEvent(m, EventType.SUBMITTED));
        assertThat(c.submitsSnapshot()).extracting(Message::id).containsExactly(m.id());
        assertThat(store.healthChecks.get()).isPositive();
        assertThat(store.writesRefused()).isFalse();
        assertThat(meters.counter("gateway.egress.store.held", "connector", conn).count()).isZero();
    }

    /**
     * A client delivery target answering each report as {@code answer} says for its message id (DELIVERED, or RETRY
     * as a client's application does for a temporary error such as ESME_RSYSERR); records every id it was offered
     * and every id delivered.
     */
    private static final class ScriptedTarget implements io.mgw.core.spi.ClientDeliveryTarget {
        final java.util.function.Function<io.mgw.core.model.MessageId, io.mgw.core.spi.DeliveryResult> answer;
        final Set<io.mgw.core.model.MessageId> tried = ConcurrentHashMap.newKeySet();
        final AtomicInteger tries = new AtomicInteger();
        final List<io.mgw.core.model.MessageId> delivered = java.util.Collections.synchronizedList(new ArrayList<>());

        ScriptedTarget(java.util.function.Function<io.mgw.core.model.MessageId, io.mgw.core.spi.DeliveryResult> a) {
            this.answer = a;
        }

        @Override
        public String describe() {
            return "test:scripted";
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public java.util.concurrent.CompletionStage<io.mgw.core.spi.DeliveryResult> deliver(ClientDelivery d) {
            io.mgw.core.model.MessageId id = ((ClientDelivery.Report) d).report().messageId();
            tried.add(id);
            tries.incrementAndGet();
            io.mgw.core.spi.DeliveryResult r = answer.apply(id);
            if (r == io.mgw.core.spi.DeliveryResult.DELIVERED) {
                delivered.add(id);
            }
            return CompletableFuture.completedFuture(r);
        }
    }

    /**
     * Writes a DELIVERED report of each of {@code ms} straight to the account's gw.deliver topic, all with one key
     * (so one partition), in order; the first one's partition and offset.
     */
    static org.apache.kafka.clients.producer.RecordMetadata reports(String acct, List<Message> ms) throws Exception {
        Map<String, Object> props = Map.of("bootstrap.servers", kafka.bootstrapServers(), "key.serializer",
                org.apache.kafka.common.serialization.StringSerializer.class, "value.serializer",
                org.apache.kafka.common.serialization.ByteArraySerializer.class);
        String topic = io.mgw.routing.kafka.Topics.deliver(acct);
        try (var p = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(props)) {
            var sent = new ArrayList<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>>();
            for (Message m : ms) {
                sent.add(p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "k",
                        io.mgw.core.wire.WireFormat.encodeClientDelivery(io.mgw.routing.internal.Sends.report(m,
                                MessageStatus.DELIVERED, 0, "", "", CLOCK.instant())))));
            }
            p.flush();
            return sent.get(0).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aDeliveryItsClientKeepsAskingForAgainIsMovedAsideSoTheCommitMovesOnAndNothingIsDropped() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        Message stuck = mt(acct, "4990", "asked for again", ReportRequest.FINAL);
        java.util.concurrent.atomic.AtomicBoolean takeStuck = new java.util.concurrent.atomic.AtomicBoolean();
        // a client whose application keeps answering one report with a temporary error
        ScriptedTarget t = new ScriptedTarget(id -> id.equals(stuck.id()) && !takeStuck.get()
                ? io.mgw.core.spi.DeliveryResult.RETRY : io.mgw.core.spi.DeliveryResult.DELIVERED);
        registrations.add(e.deliveryRegistry().register(acct, t));
        int others = 1_200; // more than twice this test's maxSpan (500)
        List<Message> all = new ArrayList<>(List.of(stuck));
        all.addAll(mts(acct, "4991", others));
        var first = reports(acct, all);
        String topic = first.topic();
        var tp = new org.apache.kafka.common.TopicPartition(topic, first.partition());

        awaitTrue(() -> t.delivered.size() == others);
        assertThat(t.tried).contains(stuck.id());
        // the group's commit went past the one still refused: before, it stayed at it, and a crash or rebalance
        // handed everything behind it to the next owner again
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers",
                kafka.bootstrapServers()))) {
            java.util.concurrent.Callable<Long> committed = () -> {
                var o = admin.listConsumerGroupOffsets(topic).partitionsToOffsetAndMetadata().get(10,
                        TimeUnit.SECONDS).get(tp);
                return o == null ? -1 : o.offset();
            };
            awaitTrue(() -> committed.call() > first.offset() + others / 2);
            assertThat(meters.counter("gateway.delivery.client.moved").count()).isPositive();

            takeStuck.set(true);
            awaitTrue(() -> t.delivered.contains(stuck.id()));
            long end = admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).all()
                    .get(10, TimeUnit.SECONDS).get(tp).offset();
            awaitTrue(() -> committed.call() == end);
        }
        // nothing dropped, and without a crash nothing twice: the moved copy is the one delivered
        assertThat(t.delivered).hasSize(others + 1).doesNotHaveDuplicates();
    }

    @Test
    void whileAClientRefusesEverythingAPartitionFetchesNoFurtherThanItsSpanAndDeliversAllOnceItTakesThem()
            throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        java.util.concurrent.atomic.AtomicBoolean taking = new java.util.concurrent.atomic.AtomicBoolean();
        ScriptedTarget t = new ScriptedTarget(id -> taking.get() ? io.mgw.core.spi.DeliveryResult.DELIVERED
                : io.mgw.core.spi.DeliveryResult.RETRY);
        registrations.add(e.deliveryRegistry().register(acct, t));
        int n = 1_200;
        reports(acct, mts(acct, "4992", n));

        // this test's maxSpan is 500, plus at most one poll (500 records) fetched before the pause: a crash now would
        // hand at most that many to the next owner again, not all 1,200
        awaitTrue(() -> t.tried.size() >= 500);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> t.tried.size() <= 1_000);
        assertThat(meters.counter("gateway.delivery.client.moved").count()).as("nothing got through").isZero();

        taking.set(true);
        awaitTrue(() -> t.delivered.size() == n);
        assertThat(t.delivered).doesNotHaveDuplicates();
    }

    @Test
    void aRecordTheStoreRejectsForItsDataIsGivenUpAndHoldsNothingUp() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestConnector c = connectors.get(conn);
        // as PostgreSQL refused a text holding U+0000: that record fails every time it is written
        Message poison = mt(acct, "4993", "rejected record", ReportRequest.FINAL);
        store.rejectRecordsOf.add(poison.id());
        Message next = mt(acct, "4993", "behind it", ReportRequest.FINAL);
        accept(e, poison);
        accept(e, next);

        awaitTrue(() -> hasEvent(next, EventType.SUBMITTED));
        assertThat(c.submitsSnapshot()).extracting(Message::id).containsExactly(poison.id(), next.id());
        assertThat(meters.counter("gateway.routing.record.rejected").count()).isEqualTo(1);
        // not read again: before, its batch was rewound and failed again for good
        assertThat(meters.counter("gateway.routing.batch.retried").count()).isZero();
        assertThat(store.find(poison.id())).isEmpty();
    }

    @Test
    void aSubmissionRecordTheStoreRejectsForItsDataIsGivenUpAndTheDestinationMovesOn() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestConnector c = connectors.get(conn);
        Message first = mt(acct, "4994", "its submission record is rejected", ReportRequest.FINAL);
        store.rejectSubmissionsOf.add(first.id());
        Message next = mt(acct, "4994", "same destination, behind it", ReportRequest.FINAL);
        accept(e, first);
        accept(e, next);

        // before: the record was written again for good, the destination busy, and nothing behind it went out
        awaitTrue(() -> hasEvent(next, EventType.SUBMITTED));
        assertThat(c.submitsSnapshot()).extracting(Message::id).containsExactly(first.id(), next.id());
        assertThat(meters.counter("gateway.egress.write.invalid", "connector", conn).count()).isEqualTo(1);
        assertThat(meters.counter("gateway.egress.write.retried", "connector", conn).count()).isZero();
    }

    @Test
    void aReportEventTheStoreRejectsForItsDataIsGivenUpOnceTheReportWentOut() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestTarget target = target(e, acct);
        Message m = mt(acct, "4995", "its report event is rejected", ReportRequest.FINAL);
        accept(e, m);
        awaitTrue(() -> hasEvent(m, EventType.SUBMITTED));
        store.rejectEventsOf.add(m.id());

        e.receiptSink().onReceipt(new SouthReceipt(conn, conn + "-1", MessageStatus.DELIVERED, 0, Optional.empty(),
                Optional.empty(), CLOCK.instant())).toCompletableFuture().get(10, TimeUnit.SECONDS);

        awaitTrue(() -> target.reports().size() == 1);
        // before: written again every backoff, for good, and the receipt held in hand with it
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> meters.counter("gateway.receipt.event.retried").count() == 0
                        && meters.counter("gateway.receipt.retried").count() == 0);
        assertThat(target.reports()).hasSize(1);
        assertThat(meters.counter("gateway.receipt.write.invalid").count()).isEqualTo(1);
    }

    /** Messages the router has read but cannot finish (their records' writes hang) show in its lag gauge. */
    @Test
    void messagesTheRouterHasNotRoutedShowInItsLag() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        Message first = mt(acct, "4998", "routed", ReportRequest.NONE);
        accept(e, first);
        awaitTrue(() -> hasEvent(first, EventType.SUBMITTED));
        await().atMost(Duration.ofSeconds(5)).until(() -> meters.get("gateway.routing.lag").gauge().value() == 0.0);
        store.hold = m -> m.content() instanceof io.mgw.core.model.Content.Text t && t.text().startsWith("held");

        List<Message> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            held.add(mt(acct, "4998" + i, "held " + i, ReportRequest.NONE));
        }
        acceptAll(e, held);

        await().atMost(Duration.ofSeconds(10)).until(() -> meters.get("gateway.routing.lag").gauge().value() == 5.0);
        // leave nothing uncommitted for the next test: a new router reads the held batch again with the store back
        e.crashRouter();
        store.hold = m -> false;
        engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        awaitTrue(() -> held.stream().allMatch(m -> store.find(m.id()).isPresent()));
    }

    /**
     * A consumer thread that ends on an unexpected error (here a connector bug thrown inside the egress's rebalance
     * callback) does not come back by itself; the engine names it, so the node's readiness goes down instead of the
     * connector's traffic standing still behind a healthy-looking node.
     */
    @Test
    void aConsumerThreadThatEndsOnAnUnexpectedErrorIsReported() throws Exception {
        consumerThreadEndsOn(new IllegalStateException("connector bug (test)"));
    }

    /**
     * An Error ends the thread as well (here the kind a connector built against another SPI throws), and must show the
     * same way: it is not a RuntimeException, and once went past the consumer's last catch unrecorded.
     */
    @Test
    void aConsumerThreadThatEndsOnAJavaErrorIsReported() throws Exception {
        consumerThreadEndsOn(new NoSuchMethodError("connector bug (test)"));
    }

    private void consumerThreadEndsOn(Throwable failure) throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        TestConnector broken = new TestConnector(conn);
        broken.rateShareFailure = failure;
        connectors.put(conn, broken);
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));

        awaitTrue(() -> !e.stoppedConsumers().isEmpty());
        assertThat(e.stoppedConsumers()).singleElement().asString().startsWith("egress " + conn + ": ")
                .contains("connector bug (test)");
        assertThat(meters.counter("gateway.routing.consumer.stopped", "consumer", "egress " + conn).count())
                .isEqualTo(1);
    }

    @Test
    void anEgressThatCannotReadTheStoreSendsNothingUntilItCanThenSendsOnce() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        Message m = mt(acct, "4997", "duplicate check cannot read", ReportRequest.NONE);
        store.setFailReads(true);
        try {
            accept(e, m);
            awaitTrue(() -> meters.counter("gateway.egress.store.read.failed", "connector", conn).count() >= 2);
            assertThat(connectors.get(conn).submitsSnapshot()).isEmpty();
        } finally {
            store.setFailReads(false);
        }
        awaitTrue(() -> hasEvent(m, EventType.SUBMITTED));
        assertThat(connectors.get(conn).submitsSnapshot()).extracting(Message::id).containsExactly(m.id());
    }

    /**
     * A receipt whose handling never ends (here: its REPORT event write hangs) holds its partition's commit and, with
     * enough of them, the whole consumer; nothing else says so, so the age of the oldest receipt in hand is a gauge
     * the NOC can alert on. It grows while the receipt is stuck, and falls back to 0 once it is handled.
     */
    @Test
    void aReceiptWhoseHandlingHangsShowsInTheOldestReceiptAgeGauge() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestTarget target = target(e, acct);
        Message m = mt(acct, "4996", "its report event hangs", ReportRequest.FINAL);
        accept(e, m);
        awaitTrue(() -> hasEvent(m, EventType.SUBMITTED));
        assertThat(meters.get("gateway.receipt.oldest.age").gauge().value()).isZero();
        store.holdEventsOf.add(m.id());

        e.receiptSink().onReceipt(new SouthReceipt(conn, conn + "-1", MessageStatus.DELIVERED, 0, Optional.empty(),
                Optional.empty(), CLOCK.instant())).toCompletableFuture().get(10, TimeUnit.SECONDS);

        awaitTrue(() -> target.reports().size() == 1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> meters.get("gateway.receipt.oldest.age").gauge().value() >= 2.0);
        assertThat(meters.get("gateway.receipt.inflight").gauge().value()).isEqualTo(1.0);
        await().atMost(Duration.ofSeconds(5)).until(() -> meters.get("gateway.receipt.lag").gauge().value() == 1.0);

        store.releaseHeldEvents();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> meters.get("gateway.receipt.oldest.age").gauge().value() == 0.0);
        await().atMost(Duration.ofSeconds(5)).until(() -> meters.get("gateway.receipt.lag").gauge().value() == 0.0);
        assertThat(meters.get("gateway.receipt.inflight").gauge().value()).isZero();
        assertThat(target.reports()).hasSize(1);
    }

    static final Duration SWEEP_GRACE = Duration.ofMinutes(10);

    /** Validity of the messages of the sweeper tests. */
    static final Duration VALIDITY = Duration.ofMinutes(5);

    /** A started engine whose clock the test moves forward; its sweeper runs every 100 ms (real time). */
    private record MovableClockEngine(RoutingEngine engine, String acct, String conn, AtomicReference<Duration> shift,
            InstantSource clock) {

        /** An MT message of the engine's account received now on its clock, valid for {@link #VALIDITY}. */
        Message message(String dest, String text, ReportRequest rr) {
            return Message.builder().id(IDS.next()).origin(new Origin("test", acct, "n1", ""))
                    .source(Address.of("SENDER")).destination(Address.msisdn(dest)).text(text).reportRequest(rr)
                    .receivedAt(clock.instant()).validUntil(clock.instant().plus(VALIDITY)).build();
        }

        /** Records {@code m} in {@code store} as accepted now, then {@code type} (ENROUTE) on the connector. */
        void recordAs(InMemoryStore store, Message m, EventType type, String detail) throws Exception {
            store.recordMessage(m, List.of(
                    new MessageEvent(clock.instant(), EventType.ACCEPTED, MessageStatus.ACCEPTED, "", ""),
                    new MessageEvent(clock.instant(), type, MessageStatus.ENROUTE, conn, detail)))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
        }

        /** Moves the clock to {@code past} after the end of the messages' validity. */
        void pastValidity(Duration past) {
            shift.set(VALIDITY.plus(past));
        }
    }

    /**
     * Starts an engine (own store and meters) on a clock {@code shift} ahead of real time, with an account and a
     * connector of their own that everything is routed to, a sweeper every 100 ms, grace {@link #SWEEP_GRACE},
     * takeover 1 h, owner site 1 node 1.
     */
    private MovableClockEngine movableClockEngine() {
        String acct = unique("acme");
        String conn = unique("smsc");
        AtomicReference<Duration> shift = new AtomicReference<>(Duration.ZERO);
        InstantSource clock = () -> CLOCK.instant().plus(shift.get());
        store = new InMemoryStore(clock);
        meters = new SimpleMeterRegistry();
        RoutingEngine e = new RoutingEngine(KAFKA, kafka.bootstrapServers(), List.of(mt("all", "4", conn)),
                List.of(connector(conn)), List.of(account(acct)), store, meters, clock,
                c -> connectors.computeIfAbsent(c.id(), TestConnector::new),
                settings().withSweeper(new ExpirySweeper.Options(Duration.ofMillis(100), SWEEP_GRACE,
                        Duration.ofHours(1), 100, 20, Duration.ofHours(1), Duration.ofDays(7), 1, 1)));
        engines.add(e);
        e.start();
        return new MovableClockEngine(e, acct, conn, shift, clock);
    }

    @Test
    void aReceiptForAnUnansweredSubmitIsMatchedByHandsetAndTextAndReportedToTheSender() throws Exception {
        MovableClockEngine node = movableClockEngine();
        RoutingEngine e = node.engine();
        TestTarget target = target(e, node.acct());
        connectors.get(node.conn()).behaviour = m -> CompletableFuture.completedFuture(
                new SubmitOutcome.Unknown("response timeout", List.of()));
        Message m = node.message("4977000123", "Your code is 4711, valid 5 minutes", ReportRequest.FINAL);
        accept(e, m);
        awaitTrue(() -> hasEvent(m, EventType.SUBMIT_UNKNOWN));
        assertThat(store.unknownSubmissions(node.conn(), "4977000123", 10)).singleElement().satisfies(u -> {
            assertThat(u.id()).isEqualTo(m.id());
            assertThat(u.part()).isEqualTo(1);
            assertThat(u.parts()).isEqualTo(1);
            assertThat(u.excerpt()).isEqualTo("Your code is 4711, v");
        });

        // the peer took it after all: its receipt names an id we never learned
        e.receiptSink().onReceipt(new SouthReceipt(node.conn(), "LOST-1", MessageStatus.DELIVERED, 0,
                Optional.empty(), Optional.empty(), node.clock().instant(), "+4977000123", "Your code is 4711, v"))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        awaitTrue(() -> store.parkedCount() == 1);
        assertThat(status(m)).isEqualTo(MessageStatus.UNKNOWN);
        assertThat(target.reports()).isEmpty();

        // past the connector's wait for a late correlation
        node.shift().set(ReceiptProcessor.ORPHAN_AFTER.plusSeconds(1));
        awaitTrue(() -> status(m) == MessageStatus.DELIVERED && target.reports().size() >= 1);
        ClientDelivery.Report r = target.reports().get(0);
        assertThat(r.report().messageId()).isEqualTo(m.id());
        assertThat(r.report().status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(store.findCorrelation(node.conn(), "LOST-1")).hasValueSatisfying(
                c -> assertThat(c.messageId()).isEqualTo(m.id()));
        assertThat(store.parkedCount()).isZero();
        assertThat(meters.counter("gateway.receipt.orphan.matched").count()).isEqualTo(1);
    }

    @Test
    void unknownOutcomeWithoutAReceiptEndsExpiredWithTheClientsReport() throws Exception {
        MovableClockEngine node = movableClockEngine();
        RoutingEngine e = node.engine();
        TestTarget target = target(e, node.acct());
        connectors.get(node.conn()).behaviour = m -> CompletableFuture.completedFuture(
                new SubmitOutcome.Unknown("response timeout", List.of()));
        Message m = node.message("4977", "never answered", ReportRequest.FINAL);
        accept(e, m);
        awaitTrue(() -> hasEvent(m, EventType.SUBMIT_UNKNOWN));
        assertThat(status(m)).isEqualTo(MessageStatus.UNKNOWN);

        // validity ended, but within the grace a receipt may still come: nothing happens
        node.pastValidity(SWEEP_GRACE.minusSeconds(30));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> status(m) == MessageStatus.UNKNOWN); // five sweeps at least
        assertThat(target.reports()).isEmpty();

        node.pastValidity(SWEEP_GRACE.plusSeconds(30));
        awaitTrue(() -> status(m) == MessageStatus.EXPIRED && target.reports().size() >= 1);
        ClientDelivery.Report r = target.reports().get(0);
        assertThat(r.report().messageId()).isEqualTo(m.id());
        assertThat(r.report().status()).isEqualTo(MessageStatus.EXPIRED);
        assertThat(r.textPreview()).isEqualTo("never answered");
        assertThat(store.find(m.id()).orElseThrow().history()).extracting(MessageEvent::type)
                .containsSubsequence(EventType.SUBMIT_UNKNOWN, EventType.EXPIRED);
        assertThat(meters.counter("gateway.sweeper.expired").count()).isEqualTo(1);
    }

    @Test
    void aMessageTheSweeperExpiredWhileItsConnectorWasDownGetsNoSecondReportFromTheEgress() throws Exception {
        MovableClockEngine node = movableClockEngine();
        String conn = node.conn();
        TestTarget target = target(node.engine(), node.acct());
        // routed to the connector (recorded ROUTED), but its copy in gw.out.<conn> is not read while the connector's
        // node is down: the sweeper expires it after validity + grace and reports EXPIRED
        Message m = node.message("4978", "waited too long", ReportRequest.FINAL);
        node.recordAs(store, m, EventType.ROUTED, "route all");
        node.pastValidity(SWEEP_GRACE.plusSeconds(30));
        awaitTrue(() -> status(m) == MessageStatus.EXPIRED && target.reports().size() >= 1);

        // the node comes back: the egress reads the copy, past its validity and already final
        try (var producer = new io.mgw.routing.kafka.KafkaClients(kafka.bootstrapServers(), Map.of(), Map.of())
                .producer(unique("late"))) {
            io.mgw.routing.internal.Sends.send(producer, io.mgw.routing.kafka.Topics.out(conn), "4978",
                    io.mgw.core.wire.WireFormat.encodeMessage(m.withAttribute(Router.ATTR_ROUTE, "all")))
                    .get(45, TimeUnit.SECONDS);
        }
        awaitTrue(() -> meters.counter("gateway.egress.final.skipped", "connector", conn).count() == 1);

        assertThat(target.reports()).singleElement()
                .satisfies(r -> assertThat(r.report().status()).isEqualTo(MessageStatus.EXPIRED));
        assertThat(store.find(m.id()).orElseThrow().history()).filteredOn(ev -> ev.type() == EventType.EXPIRED)
                .hasSize(1);
        assertThat(meters.counter("gateway.egress.expired", "connector", conn).count()).isZero();
        assertThat(connectors.get(conn).submitsSnapshot()).isEmpty();
    }

    @Test
    void aShorterGraceAppliesToTheRunningSweeperWithoutARestart() throws Exception {
        MovableClockEngine node = movableClockEngine();
        RoutingEngine e = node.engine();
        Message m = node.message("4979", "no receipt", ReportRequest.NONE);
        node.recordAs(store, m, EventType.SUBMITTED, "remote ids: r");

        // two minutes past validity: within the 10 min grace
        node.pastValidity(Duration.ofMinutes(2));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> status(m) == MessageStatus.ENROUTE);

        e.retimeSweeper(Duration.ofMillis(100), Duration.ofMinutes(1), Duration.ofHours(1));
        awaitTrue(() -> status(m) == MessageStatus.EXPIRED);
    }

    @Test
    void redeliveredMessageAlreadySubmittedIsSkippedAndCounted() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        Message dup = mt(acct, "4911", "dup", ReportRequest.NONE);
        // what an earlier owner of the partition wrote before it died, before committing the offset
        store.recordSubmission(dup.id(), conn, List.of("earlier-1"), 1, new MessageEvent(CLOCK.instant(),
                EventType.SUBMITTED, MessageStatus.ENROUTE, conn, "remote ids: earlier-1")).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        Message fresh = mt(acct, "4911", "fresh", ReportRequest.NONE);
        accept(e, dup);
        accept(e, fresh);
        TestConnector c = connectors.get(conn);
        awaitTrue(() -> c.acceptedSnapshot().size() == 1);
        assertThat(c.submitsSnapshot()).extracting(Message::id).containsExactly(fresh.id());
        awaitTrue(() -> meters.counter("gateway.egress.duplicate.skipped", "connector", conn).count() == 1);
    }

    @Test
    void cancelledMessageIsNotSubmittedAndGetsADeletedReport() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestTarget target = target(e, acct);
        TestConnector c = connectors.get(conn);
        // the first try fails temporarily, so the message waits for its retry
        c.behaviour = m -> CompletableFuture.completedFuture(new SubmitOutcome.TemporaryFailure(8, "busy"));
        Message m = mt(acct, "4912", "to cancel", ReportRequest.FINAL);
        accept(e, m);
        awaitTrue(() -> hasEvent(m, EventType.RETRY));
        // what the SMPP server records for cancel_sm; then the peer would accept again
        store.appendEvent(m.id(), new io.mgw.core.model.MessageEvent(CLOCK.instant(), EventType.CANCELLED,
                MessageStatus.DELETED, "", "cancel_sm"));
        c.behaviour = msg -> CompletableFuture.completedFuture(c.accept());
        awaitTrue(() -> target.reports().size() >= 1);
        assertThat(target.reports().get(0).report().status()).isEqualTo(MessageStatus.DELETED);
        assertThat(meters.counter("gateway.egress.cancelled.skipped", "connector", conn).count()).isEqualTo(1);
        assertThat(c.acceptedSnapshot()).isEmpty();
        assertThat(status(m)).isEqualTo(MessageStatus.DELETED);
    }

    @Test
    void aMessageWithdrawnAtTheIngressIsNotSubmittedAndNobodyIsTold() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestTarget target = target(e, acct);
        TestConnector c = connectors.get(conn);
        // refused to its sender on a Kafka timeout and written all the same: IngressWithdrawal recorded this first
        Message withdrawn = mt(acct, "4912", "refused, in Kafka anyway", ReportRequest.FINAL);
        store.recordMessage(withdrawn, List.of(
                new io.mgw.core.model.MessageEvent(CLOCK.instant(), EventType.ACCEPTED, MessageStatus.ACCEPTED, "", ""),
                new io.mgw.core.model.MessageEvent(CLOCK.instant(), EventType.CANCELLED, MessageStatus.DELETED, "",
                        IngressWithdrawal.DETAIL))).toCompletableFuture().get(10, TimeUnit.SECONDS);
        accept(e, withdrawn);
        Message next = mt(acct, "4912", "the sender's resend", ReportRequest.FINAL);
        accept(e, next);
        // same destination, so in order: once the resend is submitted, the withdrawn one was looked at before it
        awaitTrue(() -> c.submitsSnapshot().stream().anyMatch(m -> m.id().equals(next.id())));
        assertThat(c.submitsSnapshot()).extracting(Message::id).containsExactly(next.id());
        assertThat(meters.counter("gateway.egress.withdrawn.skipped", "connector", conn).count()).isEqualTo(1);
        assertThat(meters.counter("gateway.egress.cancelled.skipped", "connector", conn).count()).isZero();
        // no report for the withdrawn one (its sender never had its id); the resend's waits for a receipt
        org.awaitility.Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> target.reports().isEmpty());
        assertThat(status(withdrawn)).isEqualTo(MessageStatus.DELETED);
    }

    @Test
    void earlyReceiptIsParkedThenAppliedWhenTheCorrelationAppears() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestTarget target = target(e, acct);
        Message m = mt(acct, "4922", "early", ReportRequest.FINAL);
        store.recordMessage(m, new io.mgw.core.model.MessageEvent(CLOCK.instant(), EventType.ACCEPTED,
                MessageStatus.ACCEPTED, "", ""));

        e.receiptSink().onReceipt(new SouthReceipt(conn, "R-77", MessageStatus.UNDELIVERABLE, 11, Optional.empty(),
                Optional.empty(), CLOCK.instant())).toCompletableFuture().get(10, TimeUnit.SECONDS);
        awaitTrue(() -> store.parkedCount() == 1);
        assertThat(target.reports()).isEmpty();

        store.putCorrelation(conn, "R-77", m.id(), 1, 1);
        awaitTrue(() -> target.reports().size() >= 1);
        assertThat(target.reports().get(0).report().status()).isEqualTo(MessageStatus.UNDELIVERABLE);
        assertThat(target.reports().get(0).report().errorCode()).isEqualTo(11);
        awaitTrue(() -> store.parkedCount() == 0);
        assertThat(status(m)).isEqualTo(MessageStatus.UNDELIVERABLE);
        assertThat(meters.counter("gateway.receipt.unparked").count()).isEqualTo(1);
    }

    @Test
    void aReceiptQueuedWhileTheStoreIsDownIsAppliedOnceItIsBack() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestTarget target = target(e, acct);
        Message m = mt(acct, "4923", "store down", ReportRequest.FINAL);
        accept(e, m);
        awaitTrue(() -> hasEvent(m, EventType.SUBMITTED));
        double retriedBefore = meters.counter("gateway.receipt.retried").count();

        store.setFailReads(true);
        try {
            // the connector's peer gets its answer as soon as Kafka has the receipt, store or no store
            e.receiptSink().onReceipt(new SouthReceipt(conn, conn + "-1", MessageStatus.DELIVERED, 0,
                    Optional.empty(), Optional.empty(), CLOCK.instant())).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            awaitTrue(() -> meters.counter("gateway.receipt.retried").count() > retriedBefore);
            assertThat(target.reports()).isEmpty();
        } finally {
            store.setFailReads(false);
        }

        awaitTrue(() -> target.reports().size() >= 1);
        assertThat(target.reports().get(0).report().status()).isEqualTo(MessageStatus.DELIVERED);
        awaitTrue(() -> status(m) == MessageStatus.DELIVERED);
        assertThat(store.find(m.id()).orElseThrow().history()).filteredOn(ev -> ev.type() == EventType.REPORT)
                .singleElement();
    }

    @Test
    void multiPartReceiptsReportOnceWhenEveryPartHasAnOutcome() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestTarget target = target(e, acct);
        TestConnector c = connectors.get(conn);
        c.behaviour = m -> CompletableFuture.completedFuture(new SubmitOutcome.Accepted(List.of("p1", "p2")));
        Message m = mt(acct, "4933", "long", ReportRequest.FINAL);
        accept(e, m);
        awaitTrue(() -> store.findCorrelation(conn, "p2").isPresent() && hasEvent(m, EventType.SUBMITTED));
        e.receiptSink().onReceipt(new SouthReceipt(conn, "p1", MessageStatus.DELIVERED, 0, Optional.empty(),
                Optional.empty(), CLOCK.instant())).toCompletableFuture().get(10, TimeUnit.SECONDS);
        // the first part's outcome is recorded (as an ENROUTE report event), and nothing goes to the client yet
        awaitTrue(() -> store.find(m.id()).orElseThrow().history().stream()
                .anyMatch(ev -> ev.type() == EventType.REPORT && ev.status() == MessageStatus.ENROUTE));
        assertThat(target.reports()).isEmpty();
        e.receiptSink().onReceipt(new SouthReceipt(conn, "p2", MessageStatus.DELIVERED, 0, Optional.empty(),
                Optional.empty(), CLOCK.instant())).toCompletableFuture().get(10, TimeUnit.SECONDS);
        awaitTrue(() -> target.reports().size() >= 1);
        assertThat(target.reports().get(0).report().partsDelivered()).isEqualTo(2);
        assertThat(target.reports().get(0).report().partsTotal()).isEqualTo(2);
    }

    @Test
    void expiredMessagesEndExpiredWithAReport() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestTarget target = target(e, acct);
        // already expired when it reaches the router
        Message old = Message.builder().id(IDS.next()).origin(new Origin("test", acct, "n1", ""))
                .source(Address.of("S")).destination(Address.msisdn("4944")).text("old")
                .receivedAt(CLOCK.instant().minusSeconds(60)).validUntil(CLOCK.instant().minusSeconds(1))
                .reportRequest(ReportRequest.FINAL).build();
        accept(e, old);
        // expires while the connector is down and there is no failover
        connectors.get(conn).available = false;
        Message waiting = Message.builder().id(IDS.next()).origin(new Origin("test", acct, "n1", ""))
                .source(Address.of("S")).destination(Address.msisdn("4955")).text("waits")
                .validUntil(CLOCK.instant().plusSeconds(2)).reportRequest(ReportRequest.FINAL).build();
        accept(e, waiting);

        awaitTrue(() -> reportIds(target).stream().distinct().count() == 2);
        assertThat(target.reports()).extracting(r -> r.report().status())
                .containsOnly(MessageStatus.EXPIRED);
        assertThat(status(old)).isEqualTo(MessageStatus.EXPIRED);
        assertThat(status(waiting)).isEqualTo(MessageStatus.EXPIRED);
        assertThat(connectors.get(conn).submitsSnapshot()).isEmpty();
    }

    @Test
    void reloadedRulesAndConnectorsTakeEffectWithoutRestart() throws Exception {
        String acct = unique("acme");
        String c1 = unique("smsc");
        String c2 = unique("smsc");
        RoutingEngine e = engine(List.of(mt("de", "49", c1)), List.of(connector(c1)), List.of(account(acct)));
        Message before = mt(acct, "3301", "before", ReportRequest.NONE);
        accept(e, before);
        awaitTrue(() -> status(before) == MessageStatus.REJECTED);

        e.reload(List.of(mt("fr", "33", c2), mt("de", "49", c1)), List.of(connector(c1), connector(c2)),
                List.of(account(acct)));
        Message after = mt(acct, "3302", "after", ReportRequest.NONE);
        accept(e, after);
        awaitTrue(() -> connectors.containsKey(c2) && connectors.get(c2).acceptedSnapshot().size() == 1);
        assertThat(connectors.get(c2).acceptedSnapshot().get(0).id()).isEqualTo(after.id());
        assertThat(connectors.get(c1).submitsSnapshot()).isEmpty();
    }

    @Test
    void aReloadWithAnInvalidReceiptMatchSettingIsRefusedAndTheOldConfigKeepsRunning() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("de", "49", conn)), List.of(connector(conn)), List.of(account(acct)));
        ConnectorConfig bad = new ConnectorConfig(conn, "test", 0, 2,
                Map.of("egress.inflight", "100", ReceiptProcessor.MATCH_UNANSWERED_AFTER, "-5"));

        assertThatThrownBy(() -> e.reload(List.of(mt("de", "49", conn)), List.of(bad), List.of(account(acct))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ReceiptProcessor.MATCH_UNANSWERED_AFTER);

        Message m = mt(acct, "4901", "still routed", ReportRequest.NONE);
        accept(e, m);
        awaitTrue(() -> hasEvent(m, EventType.SUBMITTED));
    }

    @Test
    void changedConnectorKeepsItsTrafficWhileItRestarts() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("de", "49", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestConnector c = connectors.get(conn);
        CompletableFuture<SubmitOutcome> hold = new CompletableFuture<>();
        c.behaviour = m -> hold;
        Message first = mt(acct, "4911", "in flight", ReportRequest.NONE);
        accept(e, first);
        awaitTrue(() -> c.submits.size() == 1);

        ConnectorConfig changed = new ConnectorConfig(conn, "test", 0, 2, Map.of("egress.inflight", "50"));
        Thread reload = new Thread(() -> e.reload(List.of(mt("de", "49", conn)), List.of(changed),
                List.of(account(acct))));
        reload.start();
        // the old egress drains (its submit is held), so the connector is not running now
        awaitTrue(() -> e.connector(conn).isEmpty());
        Message during = mt(acct, "4922", "during restart", ReportRequest.NONE);
        accept(e, during);
        awaitTrue(() -> hasEvent(during, EventType.ROUTED) || status(during) == MessageStatus.REJECTED);
        assertThat(status(during)).isNotEqualTo(MessageStatus.REJECTED);
        assertThat(store.find(during.id()).orElseThrow().history())
                .anyMatch(ev -> ev.type() == EventType.ROUTED && ev.connector().equals(conn));

        c.behaviour = m -> CompletableFuture.completedFuture(c.accept());
        hold.complete(c.accept());
        reload.join(60_000);
        awaitTrue(() -> c.acceptedSnapshot().stream().anyMatch(m -> m.id().equals(during.id())));

        // the connector's gauges are the new egress's (a registry keeps the first gauge of a name and tags)
        CompletableFuture<SubmitOutcome> held = new CompletableFuture<>();
        c.behaviour = m -> held;
        accept(e, mt(acct, "4933", "after the restart", ReportRequest.NONE));
        awaitTrue(() -> meters.get("gateway.egress.inflight").tag("connector", conn).gauge().value() == 1.0);
        held.complete(c.accept());
    }

    @Test
    void moIsRoutedToTheAccountOfItsRule() throws Exception {
        String acct = unique("app");
        String conn = unique("smsc");
        RouteConfig mo = new RouteConfig("keyword", "MO", Optional.of("7777"), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), Optional.of(acct));
        RoutingEngine e = engine(List.of(mo), List.of(connector(conn)), List.of(account(acct)));
        TestTarget target = target(e, acct);
        Message in = Message.builder().id(IDS.next()).direction(Direction.MO).origin(new Origin("smpp", conn, "n1", ""))
                .source(Address.msisdn("491700")).destination(Address.of("7777")).text("STOP").build();
        Message stray = Message.builder().id(IDS.next()).direction(Direction.MO)
                .origin(new Origin("smpp", conn, "n1", "")).source(Address.msisdn("491700"))
                .destination(Address.of("8888")).text("?").build();
        accept(e, in);
        accept(e, stray);
        awaitTrue(() -> target.delivered.size() == 1);
        assertThat(target.delivered.get(0)).isInstanceOfSatisfying(ClientDelivery.MobileOriginated.class,
                mo2 -> assertThat(mo2.message().id()).isEqualTo(in.id()));
        awaitTrue(() -> status(stray) == MessageStatus.REJECTED);
        assertThat(meters.counter("gateway.routing.mo.unroutable").count()).isEqualTo(1);
    }

    @Test
    void moPartsArrivingOutOfOrderAreJoinedBeforeDelivery() throws Exception {
        String acct = unique("app");
        String conn = unique("smsc");
        RouteConfig mo = new RouteConfig("keyword", "MO", Optional.of("7777"), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), Optional.of(acct));
        RoutingEngine e = engine(List.of(mo), List.of(connector(conn)), List.of(account(acct)));
        TestTarget target = target(e, acct);
        Message.Builder b = Message.builder().direction(Direction.MO).origin(new Origin("smpp", conn, "n1", ""))
                .source(Address.msisdn("491701")).destination(Address.of("7777"));
        Message part2 = b.id(IDS.next()).text(" world").concat(Optional.of(new io.mgw.core.model.Concat(9, 2, 2, false)))
                .build();
        Message part1 = b.id(IDS.next()).text("hello").concat(Optional.of(new io.mgw.core.model.Concat(9, 2, 1, false)))
                .build();
        accept(e, part2);
        accept(e, part1);
        awaitTrue(() -> target.delivered.size() == 1);
        assertThat(target.delivered.get(0)).isInstanceOfSatisfying(ClientDelivery.MobileOriginated.class, d -> {
            assertThat(d.message().content()).isEqualTo(new io.mgw.core.model.Content.Text("hello world"));
            assertThat(d.message().id()).isEqualTo(part1.id());
        });
    }

    @Test
    void anMoPartTheStoreRejectsIsDeliveredAloneAndHoldsNothingUp() throws Exception {
        String acct = unique("app");
        String conn = unique("smsc");
        RouteConfig mo = new RouteConfig("keyword", "MO", Optional.of("7777"), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), Optional.of(acct));
        RoutingEngine e = engine(List.of(mo), List.of(connector(conn)), List.of(account(acct)));
        TestTarget target = target(e, acct);
        store.rejectFragments = true;
        Message part = Message.builder().id(IDS.next()).direction(Direction.MO)
                .origin(new Origin("smpp", conn, "n1", "")).source(Address.msisdn("491702"))
                .destination(Address.of("7777")).text("first of two")
                .concat(Optional.of(new io.mgw.core.model.Concat(11, 2, 1, false))).build();
        Message whole = Message.builder().id(IDS.next()).direction(Direction.MO)
                .origin(new Origin("smpp", conn, "n1", "")).source(Address.msisdn("491703"))
                .destination(Address.of("7777")).text("not in parts").build();
        accept(e, part);
        accept(e, whole);

        // before: the part's fragment write failed every time, and the router read its batch again for good
        awaitTrue(() -> target.delivered.size() == 2);
        assertThat(target.delivered).extracting(d -> ((ClientDelivery.MobileOriginated) d).message().id())
                .containsExactly(part.id(), whole.id());
        assertThat(meters.counter("gateway.routing.record.rejected").count()).isEqualTo(1);
        assertThat(meters.counter("gateway.routing.batch.retried").count()).isZero();
    }

    @Test
    void moPartsSentAgainAfterTheirMessageWasDeliveredAreDroppedAndCounted() throws Exception {
        String acct = unique("app");
        String conn = unique("smsc");
        RouteConfig mo = new RouteConfig("keyword", "MO", Optional.of("7777"), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), Optional.of(acct));
        RoutingEngine e = engine(List.of(mo), List.of(connector(conn)), List.of(account(acct)));
        TestTarget target = target(e, acct);
        Message.Builder b = Message.builder().direction(Direction.MO).origin(new Origin("smpp", conn, "n1", ""))
                .source(Address.msisdn("491702")).destination(Address.of("7777"));
        List<Message> parts = new ArrayList<>();
        for (int round = 0; round < 2; round++) { // the SMSC lost both deliver_sm_resp and sends the parts again
            parts.add(b.id(IDS.next()).text("once ").concat(Optional.of(new io.mgw.core.model.Concat(10, 2, 1, false)))
                    .build());
            parts.add(b.id(IDS.next()).text("only").concat(Optional.of(new io.mgw.core.model.Concat(10, 2, 2, false)))
                    .build());
        }
        accept(e, parts.get(0));
        accept(e, parts.get(1));
        awaitTrue(() -> target.delivered.size() == 1);
        accept(e, parts.get(2));
        accept(e, parts.get(3));

        awaitTrue(() -> meters.get("gateway.routing.mo.duplicate").functionCounter().count() == 2);
        assertThat(target.delivered).hasSize(1);
    }

    @Test
    void hungTargetKeepsBoundedInFlightAndItsDeliveriesGoToAnotherTarget() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestTarget hung = new TestTarget("hung", 3);
        hung.answering = false;
        registrations.add(e.deliveryRegistry().register(acct, hung));
        int n = 30;
        Set<io.mgw.core.model.MessageId> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Message m = mt(acct, "0" + i, "x", ReportRequest.FINAL);
            ids.add(m.id());
            accept(e, m);
        }
        awaitTrue(() -> hung.inFlight.get() == 3);
        TestTarget good = new TestTarget("good", 5);
        registrations.add(e.deliveryRegistry().register(acct, good));
        awaitTrue(() -> good.reports().stream().map(r -> r.report().messageId()).distinct().count() == n);
        assertThat(good.reports()).extracting(r -> r.report().messageId()).containsAll(ids);
        assertThat(hung.maxInFlight.get()).isEqualTo(3);
        assertThat(good.maxInFlight.get()).isLessThanOrEqualTo(5);
    }

    @Test
    void deliveriesWaitInKafkaWithoutTargetAndAnotherNodeTakesThem() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine nodeA = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        RoutingEngine nodeB = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestTarget onA = new TestTarget("a", 10);
        DeliveryRegistry.Registration regA = nodeA.deliveryRegistry().register(acct, onA);
        Message m1 = mt(acct, "0001", "x", ReportRequest.FINAL);
        accept(nodeA, m1);
        // two routers share gw.ingress here: a commit lost to a rebalance re-reads the batch, so a report may come
        // twice (at-least-once); what matters is who gets what
        awaitTrue(() -> reportIds(onA).contains(m1.id()));
        regA.close();
        awaitTrue(() -> !((ClientDeliveryDispatcher) nodeA.deliveryRegistry()).isConsuming(acct));

        Message m2 = mt(acct, "0002", "x", ReportRequest.FINAL);
        accept(nodeA, m2);
        TestTarget onB = target(nodeB, acct);
        awaitTrue(() -> reportIds(onB).contains(m2.id()));
        assertThat(reportIds(onA)).doesNotContain(m2.id());
    }

    static List<io.mgw.core.model.MessageId> reportIds(TestTarget t) {
        return t.reports().stream().map(r -> r.report().messageId()).toList();
    }

    @Test
    void egressCommitsOnlyFinishedWorkSoANewConsumerGetsWhatWasNotTaken() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine first = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestConnector c = connectors.get(conn);
        // the peer takes messages to even destinations and never answers for odd ones
        c.behaviour = m -> Integer.parseInt(m.destination().value()) % 2 == 0
                ? CompletableFuture.completedFuture(c.accept()) : new CompletableFuture<>();
        int n = 20;
        List<Message> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Message m = mt(acct, Integer.toString(4000 + i), "m" + i, ReportRequest.NONE);
            all.add(m);
            accept(first, m);
        }
        awaitTrue(() -> c.submitsSnapshot().size() == n);
        first.drain(Duration.ofMillis(500));
        first.close();
        List<Message> takenFirst = List.copyOf(c.acceptedSnapshot());
        assertThat(takenFirst).hasSize(n / 2);

        connectors.remove(conn);
        engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestConnector again = connectors.get(conn);
        awaitTrue(() -> again.acceptedSnapshot().size() == n / 2);
        Set<Object> union = new HashSet<>();
        takenFirst.forEach(m -> union.add(m.id()));
        again.acceptedSnapshot().forEach(m -> union.add(m.id()));
        assertThat(union).hasSize(n);
        assertThat(again.acceptedSnapshot()).extracting(Message::id).doesNotContainAnyElementsOf(
                takenFirst.stream().map(Message::id).toList());
    }

    @Test
    void routerCrashMidBatchLosesNothingAndDuplicatesAreSuppressed() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine first = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestConnector c = connectors.get(conn);
        store.hold = m -> m.content().equals(new io.mgw.core.model.Content.Text("m25"));
        List<Message> all = mts(acct, "49", 50);
        acceptAll(first, all);
        Message stuck = all.get(25);
        // the batch holding m25 cannot finish: the router must not commit it
        awaitTrue(() -> c.acceptedSnapshot().stream().anyMatch(m -> m.id().equals(stuck.id())));
        assertThat(store.find(stuck.id())).isEmpty();
        crashRouterAndRestartThenEachIsSubmittedOnce(first, acct, conn, stuck, all);
        assertThat(all).allSatisfy(m -> assertThat(store.find(m.id())).isPresent());
    }

    /**
     * Crashes {@code first}'s router while {@code stuck}'s store write hangs, releases the store and starts a new
     * engine: its router reads the uncommitted batches again; egress submits every message of {@code all} once.
     */
    private void crashRouterAndRestartThenEachIsSubmittedOnce(RoutingEngine first, String acct, String conn,
            Message stuck, List<Message> all) {
        TestConnector c = connectors.get(conn);
        first.crashRouter();
        store.hold = m -> false;
        engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        awaitTrue(() -> store.find(stuck.id()).isPresent() && c.acceptedSnapshot().size() == all.size());
        assertThat(c.acceptedSnapshot()).extracting(Message::id).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(all.stream().map(Message::id).toList());
    }

    @Test
    void routerKeepsRoutingPastABatchWaitingForTheStoreUpToItsBoundAndCommitsNothingAfterIt() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine first = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestConnector c = connectors.get(conn);
        // the first message's record never commits: its batch stays in hand
        Message stuck = mt(acct, "4900", "slow", ReportRequest.NONE);
        store.hold = m -> m.id().equals(stuck.id());
        accept(first, stuck);
        awaitTrue(() -> c.acceptedSnapshot().stream().anyMatch(m -> m.id().equals(stuck.id())));
        List<Message> more = mts(acct, "491", Router.MAX_IN_HAND_RECORDS + 4 * Router.MAX_POLL_RECORDS);
        acceptAll(first, more);
        List<Message> all = new ArrayList<>(List.of(stuck));
        all.addAll(more);
        // later batches are routed while the first waits (two batches at most were, before), well inside the
        // router's batch timeout, and the router stops fetching at its bound of records in hand
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> c.acceptedSnapshot().size() >= Router.MAX_IN_HAND_RECORDS);
        int[] last = {-1};
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofSeconds(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    int now = c.acceptedSnapshot().size();
                    boolean stable = now == last[0];
                    last[0] = now;
                    return stable;
                });
        assertThat(c.acceptedSnapshot().size()).isLessThanOrEqualTo(Router.MAX_IN_HAND_RECORDS
                + Router.MAX_POLL_RECORDS).isLessThan(all.size());
        // nothing after the stuck batch was committed: a new router reads it all again; egress submits each once
        crashRouterAndRestartThenEachIsSubmittedOnce(first, acct, conn, stuck, all);
    }

    @Test
    void routerCommitsOnlyAfterEverythingOfTheBatchIsDurable() throws Exception {
        String acct = unique("acme");
        String conn = unique("smsc");
        RoutingEngine e = engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        int n = 200;
        acceptAll(e, mts(acct, "49", n));
        e.close();
        engine(List.of(mt("all", "4", conn)), List.of(connector(conn)), List.of(account(acct)));
        TestConnector c = connectors.get(conn);
        awaitTrue(() -> c.acceptedSnapshot().stream().map(Message::id).distinct().count() == n);
        assertThat(c.acceptedSnapshot()).extracting(Message::id).doesNotHaveDuplicates();
    }
}
