package io.mgw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.model.Address;
import io.mgw.core.model.AddressType;
import io.mgw.core.model.Content;
import io.mgw.core.model.Direction;
import io.mgw.core.model.EventType;
import io.mgw.core.model.Kind;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageIdGenerator;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.Origin;
import io.mgw.core.model.ReportRequest;
import io.mgw.core.spi.TemporaryFailureException;
import io.mgw.core.store.Correlation;
import io.mgw.core.store.Fragment;
import io.mgw.core.store.MessageRecord;
import io.mgw.core.store.ParkedReceipt;
import io.mgw.core.store.PartTally;
import io.mgw.core.store.Store;
import io.mgw.core.store.UnknownSubmission;
import io.mgw.core.store.UnsettledMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store} implementation must do, method by method, with the SPI's edge cases. An implementation's
 * test extends this class and opens a fresh, empty store in {@link #open(InstantSource)}.
 */
abstract class StoreContract {

    /** A microsecond-aligned start so instants survive any store's precision. */
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00.123456Z");

    final AtomicReference<Instant> now = new AtomicReference<>(T0);
    final InstantSource clock = now::get;
    final MessageIdGenerator ids = new MessageIdGenerator(3, 7, clock);
    Store store;

    /** Opens a fresh, empty store whose own time (e.g. correlation creation) comes from {@code clock}. */
    protected abstract Store open(InstantSource clock) throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = open(clock);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    // ---- helpers ----

    static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("stage failed", e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    Message message(MessageId id, String text) {
        return Message.builder()
                .id(id)
                .kind(Kind.SMS_TEXT)
                .direction(Direction.MT)
                .origin(new Origin("smpp", "acme", "node-1", "42"))
                .source(new Address(AddressType.ALPHANUMERIC, "ACME", 5, 0))
                .destination(Address.msisdn("447900123456"))
                .text(text)
                .receivedAt(now.get())
                .validUntil(now.get().plus(Duration.ofHours(48)))
                .reportRequest(ReportRequest.FINAL)
                .build();
    }

    MessageEvent event(EventType type, MessageStatus status, Duration after) {
        return new MessageEvent(now.get().plus(after), type, status, "", "");
    }

    MessageEvent accepted() {
        return new MessageEvent(now.get(), EventType.ACCEPTED, MessageStatus.ACCEPTED, "", "");
    }

    MessageId recorded() {
        MessageId id = ids.next();
        join(store.recordMessage(message(id, "hello"), accepted()));
        return id;
    }

    MessageRecord found(MessageId id) {
        return store.find(id).orElseThrow(() -> new AssertionError("not found: " + id));
    }

    // ---- messages and history ----

    @Test
    void recordMessageKeepsEveryField() {
        MessageId id = ids.next();
        Message m = message(id, "hello world");
        MessageEvent first = new MessageEvent(T0, EventType.ACCEPTED, MessageStatus.ACCEPTED, "", "seq 42");

        join(store.recordMessage(m, first));

        MessageRecord r = found(id);
        assertThat(r.id()).isEqualTo(id);
        assertThat(r.account()).isEqualTo("acme");
        assertThat(r.protocol()).isEqualTo("smpp");
        assertThat(r.kind()).isEqualTo("SMS_TEXT");
        assertThat(r.direction()).isEqualTo("MT");
        assertThat(r.source()).isEqualTo("ACME");
        assertThat(r.sourceTon()).isEqualTo(5);
        assertThat(r.sourceNpi()).isEqualTo(0);
        assertThat(r.destination()).isEqualTo("447900123456");
        assertThat(r.destTon()).isEqualTo(1);
        assertThat(r.destNpi()).isEqualTo(1);
        assertThat(r.textPreview()).isEqualTo("hello world");
        assertThat(r.reportRequest()).isEqualTo("FINAL");
        assertThat(r.receivedAt()).isEqualTo(T0);
        assertThat(r.validUntil()).isEqualTo(T0.plus(Duration.ofHours(48)));
        assertThat(r.status()).isEqualTo(MessageStatus.ACCEPTED);
        assertThat(r.updatedAt()).isEqualTo(T0);
        assertThat(r.errorCode()).isZero();
        assertThat(r.history()).containsExactly(first);
    }

    @Test
    void findUnknownIsEmpty() {
        assertThat(store.find(ids.next())).isEmpty();
    }

    @Test
    void textPreviewIsTheFirstTwentyCharacters() {
        MessageId id = ids.next();
        join(store.recordMessage(message(id, "abcdefghijklmnopqrstuvwxyz"), accepted()));

        assertThat(found(id).textPreview()).isEqualTo("abcdefghijklmnopqrst");
    }

    @Test
    void aTextWithNulCharactersIsRecorded() {
        // U+0000 is a valid character of a UCS-2 or Latin-1 short message; PostgreSQL's text types cannot hold it
        MessageId id = ids.next();
        join(store.recordMessage(message(id, "a\u0000b\u0000c"), accepted()));

        assertThat(found(id).textPreview()).isEqualTo("a\uFFFDb\uFFFDc");
    }

    @Test
    void nulCharactersInTheOtherFreeTextsAreTakenAndKeysHoldingOneAreFoundAgain() {
        MessageId id = recorded();
        String remoteId = "R\u00001";
        join(store.recordSubmission(id, "smsc-a", List.of(remoteId), 1, new MessageEvent(now.get(),
                EventType.SUBMITTED, MessageStatus.ENROUTE, "smsc-a", "remote ids: " + remoteId)));
        store.rememberUnknownSubmission(unknownOf(id, "447700900123", 1, 1, "code\u00001234"));

        assertThat(store.findCorrelation("smsc-a", remoteId)).map(Correlation::messageId).contains(id);
        assertThat(found(id).history()).extracting(MessageEvent::detail).contains("remote ids: R\uFFFD1");
        assertThat(store.unknownSubmissions("smsc-a", "447700900123", 10)).extracting(UnknownSubmission::excerpt)
                .containsExactly("code\uFFFD1234");
    }

    @Test
    void textPreviewOfBinaryIsEmpty() {
        MessageId id = ids.next();
        Message m = message(id, "x").withContent(new Content.Binary(new byte[0], new byte[] {1, 2, 3}, 4),
                java.util.Optional.empty());
        join(store.recordMessage(m, accepted()));

        assertThat(found(id).textPreview()).isEmpty();
    }

    @Test
    void recordMessageIsIdempotent() {
        MessageId id = ids.next();
        join(store.recordMessage(message(id, "first"), accepted()));

        MessageEvent again = event(EventType.ACCEPTED, MessageStatus.ACCEPTED, Duration.ofSeconds(5));
        join(store.recordMessage(message(id, "second"), again));

        MessageRecord r = found(id);
        assertThat(r.textPreview()).isEqualTo("first");
        assertThat(r.history()).hasSize(1);
        assertThat(r.updatedAt()).isEqualTo(T0);
    }

    @Test
    void recordMessageTwiceWithoutWaitingKeepsOne() {
        MessageId id = ids.next();
        var a = store.recordMessage(message(id, "one"), accepted());
        var b = store.recordMessage(message(id, "two"), accepted());
        join(a);
        join(b);

        MessageRecord r = found(id);
        assertThat(r.textPreview()).isEqualTo("one");
        assertThat(r.history()).hasSize(1);
    }

    @Test
    void recordMessageWithSeveralEventsKeepsThemInOrder() {
        MessageId id = ids.next();
        MessageEvent routed = new MessageEvent(now.get(), EventType.ROUTED, MessageStatus.ENROUTE, "smsc-a",
                "route all");

        join(store.recordMessage(message(id, "hello"), List.of(accepted(), routed)));

        MessageRecord r = found(id);
        assertThat(r.history()).extracting(MessageEvent::type).containsExactly(EventType.ACCEPTED, EventType.ROUTED);
        assertThat(r.status()).isEqualTo(MessageStatus.ENROUTE);
    }

    @Test
    void recordMessageWithSeveralEventsIsIdempotent() {
        MessageId id = ids.next();
        MessageEvent routed = new MessageEvent(now.get(), EventType.ROUTED, MessageStatus.ENROUTE, "smsc-a", "");
        join(store.recordMessage(message(id, "first"), List.of(accepted(), routed)));

        join(store.recordMessage(message(id, "again"), List.of(accepted(), routed)));

        MessageRecord r = found(id);
        assertThat(r.textPreview()).isEqualTo("first");
        assertThat(r.history()).hasSize(2);
    }

    @Test
    void aTerminalFirstEventSetsTheStatus() {
        MessageId id = ids.next();
        MessageEvent rejected = new MessageEvent(now.get(), EventType.REJECTED, MessageStatus.REJECTED, "",
                "no route for destination 4477");

        join(store.recordMessage(message(id, "x"), List.of(accepted(), rejected)));
        join(store.appendEvent(id, new MessageEvent(now.get(), EventType.RETRY, MessageStatus.ENROUTE, "", "late")));

        MessageRecord r = found(id);
        assertThat(r.status()).isEqualTo(MessageStatus.REJECTED);
        assertThat(r.history()).extracting(MessageEvent::type)
                .containsExactly(EventType.ACCEPTED, EventType.REJECTED, EventType.RETRY);
    }

    @Test
    void eventsAppendedLaterAtTheSameTimeComeAfterTheFirstEvents() {
        MessageId id = ids.next();
        MessageEvent routed = new MessageEvent(now.get(), EventType.ROUTED, MessageStatus.ENROUTE, "smsc-a", "");
        join(store.recordMessage(message(id, "x"), List.of(accepted(), routed)));
        join(store.appendEvent(id, new MessageEvent(now.get(), EventType.SUBMITTED, MessageStatus.ENROUTE, "smsc-a",
                "")));
        join(store.appendEvent(id, new MessageEvent(now.get(), EventType.REPORT, MessageStatus.DELIVERED, "smsc-a",
                "")));

        assertThat(found(id).history()).extracting(MessageEvent::type).containsExactly(EventType.ACCEPTED,
                EventType.ROUTED, EventType.SUBMITTED, EventType.REPORT);
        assertThat(found(id).status()).isEqualTo(MessageStatus.DELIVERED);
    }

    @Test
    void recordMessageNeedsAnEvent() {
        Message m = message(ids.next(), "x");
        assertThatThrownBy(() -> store.recordMessage(m, List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void appendEventSetsStatusAndGrowsHistory() {
        MessageId id = recorded();
        MessageEvent submitted = new MessageEvent(T0.plusSeconds(1), EventType.SUBMITTED, MessageStatus.ENROUTE,
                "smsc-a", "remote 1f2e");
        MessageEvent report = new MessageEvent(T0.plusSeconds(2), EventType.REPORT, MessageStatus.DELIVERED,
                "smsc-a", "stat:DELIVRD err:000");

        join(store.appendEvent(id, submitted));
        assertThat(found(id).status()).isEqualTo(MessageStatus.ENROUTE);
        join(store.appendEvent(id, report));

        MessageRecord r = found(id);
        assertThat(r.status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(r.updatedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(r.history()).extracting(MessageEvent::type)
                .containsExactly(EventType.ACCEPTED, EventType.SUBMITTED, EventType.REPORT);
        assertThat(r.history().get(1)).isEqualTo(submitted);
    }

    @Test
    void finalStatusIsNotUndoneByALaterNonFinalEvent() {
        MessageId id = recorded();
        join(store.appendEvent(id, event(EventType.REPORT, MessageStatus.DELIVERED, Duration.ofSeconds(2))));

        join(store.appendEvent(id, event(EventType.RETRY, MessageStatus.ENROUTE, Duration.ofSeconds(3))));

        MessageRecord r = found(id);
        assertThat(r.status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(r.updatedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(r.history()).hasSize(3); // the late event is still kept in the history
    }

    @Test
    void finalStatusIsNotUndoneWhenBothArriveTogether() {
        MessageId id = recorded();
        var a = store.appendEvent(id, event(EventType.REPORT, MessageStatus.UNDELIVERABLE, Duration.ofSeconds(2)));
        var b = store.appendEvent(id, event(EventType.RETRY, MessageStatus.ENROUTE, Duration.ofSeconds(3)));
        join(a);
        join(b);

        assertThat(found(id).status()).isEqualTo(MessageStatus.UNDELIVERABLE);
    }

    @Test
    void aFinalStatusMayFollowAnotherFinalOne() {
        MessageId id = recorded();
        join(store.appendEvent(id, event(EventType.REPORT, MessageStatus.DELIVERED, Duration.ofSeconds(2))));
        join(store.appendEvent(id, event(EventType.EXPIRED, MessageStatus.EXPIRED, Duration.ofSeconds(3))));

        assertThat(found(id).status()).isEqualTo(MessageStatus.EXPIRED);
    }

    @Test
    void errorCodeComesFromTheEventDetail() {
        MessageId id = recorded();
        join(store.appendEvent(id, new MessageEvent(T0.plusSeconds(1), EventType.REPORT,
                MessageStatus.UNDELIVERABLE, "smsc-a", "stat:UNDELIV err:011")));

        assertThat(found(id).errorCode()).isEqualTo(11);
    }

    @Test
    void eventWithoutErrorCodeKeepsTheLastOne() {
        MessageId id = recorded();
        join(store.appendEvent(id, new MessageEvent(T0.plusSeconds(1), EventType.RETRY, MessageStatus.ENROUTE,
                "smsc-a", "err=0x58 throttled")));
        join(store.appendEvent(id, event(EventType.SUBMITTED, MessageStatus.ENROUTE, Duration.ofSeconds(2))));

        assertThat(found(id).errorCode()).isEqualTo(0x58);
    }

    @Test
    void eventForAnUnknownMessageCompletesAndShowsOnceRecorded() {
        MessageId id = ids.next();
        MessageEvent submitted = event(EventType.SUBMITTED, MessageStatus.ENROUTE, Duration.ofSeconds(1));

        join(store.appendEvent(id, submitted));
        assertThat(store.find(id)).isEmpty();

        join(store.recordMessage(message(id, "late"), accepted()));

        MessageRecord r = found(id);
        assertThat(r.history()).extracting(MessageEvent::type)
                .containsExactly(EventType.ACCEPTED, EventType.SUBMITTED);
        assertThat(r.status()).isEqualTo(MessageStatus.ENROUTE);
        assertThat(r.updatedAt()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void finalEventBeforeRecordKeepsTheFinalStatus() {
        MessageId id = ids.next();
        join(store.appendEvent(id, new MessageEvent(T0.plusSeconds(2), EventType.REPORT, MessageStatus.DELIVERED,
                "smsc-a", "err:000")));

        join(store.recordMessage(message(id, "late"), accepted()));

        MessageRecord r = found(id);
        assertThat(r.status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(r.history()).hasSize(2);
    }

    @Test
    void eventQueuedJustBeforeTheRecordLandsOnIt() {
        MessageId id = ids.next();
        var a = store.appendEvent(id, event(EventType.SUBMITTED, MessageStatus.ENROUTE, Duration.ofSeconds(1)));
        var b = store.recordMessage(message(id, "x"), accepted());
        join(a);
        join(b);

        MessageRecord r = found(id);
        assertThat(r.status()).isEqualTo(MessageStatus.ENROUTE);
        assertThat(r.history()).hasSize(2);
    }

    @Test
    void historyIsInEventTimeOrderWhateverTheArrivalOrder() {
        MessageId id = recorded();
        join(store.appendEvent(id, event(EventType.REPORT, MessageStatus.DELIVERED, Duration.ofSeconds(5))));

        join(store.appendEvent(id, event(EventType.SUBMITTED, MessageStatus.ENROUTE, Duration.ofSeconds(3))));

        MessageRecord r = found(id);
        assertThat(r.history()).extracting(MessageEvent::type)
                .containsExactly(EventType.ACCEPTED, EventType.SUBMITTED, EventType.REPORT);
        assertThat(r.status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(r.updatedAt()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void eventsOfTheSameTimeKeepTheirArrivalOrder() {
        MessageId id = recorded();
        for (EventType type : List.of(EventType.ROUTED, EventType.SUBMITTED, EventType.RETRY)) {
            join(store.appendEvent(id, event(type, MessageStatus.ENROUTE, Duration.ofSeconds(1))));
        }

        assertThat(found(id).history()).extracting(MessageEvent::type)
                .containsExactly(EventType.ACCEPTED, EventType.ROUTED, EventType.SUBMITTED, EventType.RETRY);
    }

    // ---- unsettled expired messages ----

    /** Records a message of {@code direction} whose validity ends {@code validFor} after now, with ACCEPTED. */
    MessageId recordedValidFor(Duration validFor, Direction direction) {
        Message m = validFor(validFor, direction);
        join(store.recordMessage(m, accepted()));
        return m.id();
    }

    Message validFor(Duration validFor, Direction direction) {
        return Message.builder()
                .id(ids.next())
                .kind(Kind.SMS_TEXT)
                .direction(direction)
                .origin(new Origin("smpp", "acme", "node-1", "42"))
                .source(new Address(AddressType.ALPHANUMERIC, "ACME", 5, 0))
                .destination(Address.msisdn("447900123456"))
                .text("hello")
                .receivedAt(now.get())
                .validUntil(now.get().plus(validFor))
                .reportRequest(ReportRequest.FINAL)
                .build();
    }

    static List<MessageId> idsOf(List<UnsettledMessage> found) {
        return found.stream().map(UnsettledMessage::id).toList();
    }

    @Test
    void unsettledExpiredFindsNonFinalMessagesOldestValidityFirst() {
        MessageId later = recordedValidFor(Duration.ofMinutes(20), Direction.MT);
        MessageId earlier = recordedValidFor(Duration.ofMinutes(10), Direction.MT);
        join(store.appendEvent(later, event(EventType.SUBMITTED, MessageStatus.ENROUTE, Duration.ofSeconds(1))));
        join(store.appendEvent(earlier,
                event(EventType.SUBMIT_UNKNOWN, MessageStatus.UNKNOWN, Duration.ofSeconds(1))));

        List<UnsettledMessage> found = store.unsettledExpired(T0, T0.plus(Duration.ofHours(1)), 10);

        assertThat(found).containsExactly(
                new UnsettledMessage(earlier, T0.plus(Duration.ofMinutes(10))),
                new UnsettledMessage(later, T0.plus(Duration.ofMinutes(20))));
    }

    @Test
    void unsettledExpiredLeavesOutMessagesWithAFinalEvent() {
        MessageId delivered = recordedValidFor(Duration.ofMinutes(10), Direction.MT);
        MessageId expired = recordedValidFor(Duration.ofMinutes(10), Direction.MT);
        MessageId open = recordedValidFor(Duration.ofMinutes(10), Direction.MT);
        join(store.appendEvent(delivered, event(EventType.REPORT, MessageStatus.DELIVERED, Duration.ofSeconds(2))));
        // a late non-final event after the final one does not make the message unsettled again
        join(store.appendEvent(delivered, event(EventType.REPORT, MessageStatus.ENROUTE, Duration.ofSeconds(3))));
        join(store.appendEvent(expired, event(EventType.EXPIRED, MessageStatus.EXPIRED, Duration.ofSeconds(2))));

        assertThat(idsOf(store.unsettledExpired(T0, T0.plus(Duration.ofHours(1)), 10))).containsExactly(open);
    }

    @Test
    void unsettledExpiredLeavesOutAMessageRecordedWithAFinalFirstEvent() {
        join(store.recordMessage(validFor(Duration.ofMinutes(1), Direction.MT), new MessageEvent(T0, EventType.REJECTED, MessageStatus.REJECTED, "", "no route")));

        assertThat(store.unsettledExpired(T0, T0.plus(Duration.ofHours(1)), 10)).isEmpty();
    }

    @Test
    void unsettledExpiredLeavesOutMoMessages() {
        recordedValidFor(Duration.ofMinutes(10), Direction.MO);

        assertThat(store.unsettledExpired(T0, T0.plus(Duration.ofHours(1)), 10)).isEmpty();
    }

    @Test
    void unsettledExpiredRangeIncludesValidFromAndExcludesValidBefore() {
        MessageId atFrom = recordedValidFor(Duration.ofMinutes(10), Direction.MT);
        MessageId atBefore = recordedValidFor(Duration.ofMinutes(20), Direction.MT);
        MessageId beforeFrom = recordedValidFor(Duration.ofMinutes(5), Direction.MT);

        List<MessageId> found = idsOf(store.unsettledExpired(T0.plus(Duration.ofMinutes(10)),
                T0.plus(Duration.ofMinutes(20)), 10));

        assertThat(found).containsExactly(atFrom).doesNotContain(atBefore, beforeFrom);
    }

    @Test
    void unsettledExpiredReturnsAtMostLimitAndPagesFromTheLastValidity() {
        List<MessageId> all = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            all.add(recordedValidFor(Duration.ofMinutes(i), Direction.MT));
        }
        Instant before = T0.plus(Duration.ofHours(1));

        List<UnsettledMessage> first = store.unsettledExpired(T0, before, 3);
        List<UnsettledMessage> second = store.unsettledExpired(first.get(2).validUntil(), before, 3);

        assertThat(idsOf(first)).containsExactlyElementsOf(all.subList(0, 3));
        assertThat(idsOf(second)).containsExactlyElementsOf(all.subList(2, 5));
    }

    @Test
    void unsettledExpiredRejectsAZeroLimit() {
        assertThatThrownBy(() -> store.unsettledExpired(T0, T0.plusSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit: 0");
    }

    // ---- duplicate suppression ----

    @Test
    void markSubmittedIsTrueOnlyTheFirstTime() {
        MessageId id = recorded();
        assertThat(store.isSubmitted(id, "smsc-a", 1)).isFalse();

        assertThat(join(store.markSubmitted(id, "smsc-a", 1))).isTrue();
        assertThat(join(store.markSubmitted(id, "smsc-a", 1))).isFalse();

        assertThat(store.isSubmitted(id, "smsc-a", 1)).isTrue();
    }

    @Test
    void marksAreKeptPerConnectorAndPart() {
        MessageId id = recorded();
        assertThat(join(store.markSubmitted(id, "smsc-a", 1))).isTrue();

        assertThat(store.isSubmitted(id, "smsc-a", 2)).isFalse();
        assertThat(store.isSubmitted(id, "smsc-b", 1)).isFalse();
        assertThat(join(store.markSubmitted(id, "smsc-a", 2))).isTrue();
        assertThat(join(store.markSubmitted(id, "smsc-b", 1))).isTrue();
    }

    @Test
    void twoMarksQueuedTogetherYieldOneTrue() {
        MessageId id = ids.next();
        List<CompletionStage<Boolean>> marks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            marks.add(store.markSubmitted(id, "smsc-a", 1));
        }

        assertThat(marks.stream().map(StoreContract::join)).containsExactly(true, false, false, false, false);
    }

    @Test
    void recordSubmissionCorrelatesMarksAndLogsInOneWrite() {
        MessageId id = recorded();
        now.set(T0.plusSeconds(3));
        MessageEvent submitted = new MessageEvent(now.get(), EventType.SUBMITTED, MessageStatus.ENROUTE, "smsc-a",
                "remote ids: A1,A2");

        join(store.recordSubmission(id, "smsc-a", List.of("A1", "A2"), 2, submitted));

        assertThat(store.findCorrelation("smsc-a", "A1")).contains(new Correlation("smsc-a", "A1", id, 1, 2,
                T0.plusSeconds(3)));
        assertThat(store.findCorrelation("smsc-a", "A2")).contains(new Correlation("smsc-a", "A2", id, 2, 2,
                T0.plusSeconds(3)));
        assertThat(store.isSubmitted(id, "smsc-a", 1)).isTrue();
        assertThat(store.isSubmitted(id, "smsc-b", 1)).isFalse();
        MessageRecord r = found(id);
        assertThat(r.status()).isEqualTo(MessageStatus.ENROUTE);
        assertThat(r.history()).extracting(MessageEvent::type).containsExactly(EventType.ACCEPTED,
                EventType.SUBMITTED);
    }

    @Test
    void anUnknownOutcomeWithoutRemoteIdsStillMarksSubmitted() {
        MessageId id = recorded();
        MessageEvent unknown = new MessageEvent(now.get(), EventType.SUBMIT_UNKNOWN, MessageStatus.UNKNOWN,
                "smsc-a", "response timeout");

        join(store.recordSubmission(id, "smsc-a", List.of(), 1, unknown));

        assertThat(store.isSubmitted(id, "smsc-a", 1)).isTrue();
        assertThat(found(id).status()).isEqualTo(MessageStatus.UNKNOWN);
    }

    @Test
    void recordSubmissionWithoutRecordedMessageStillMarks() {
        MessageId id = ids.next();
        MessageEvent submitted = new MessageEvent(now.get(), EventType.SUBMITTED, MessageStatus.ENROUTE, "smsc-a",
                "");

        join(store.recordSubmission(id, "smsc-a", List.of("R9"), 1, submitted));

        assertThat(store.isSubmitted(id, "smsc-a", 1)).isTrue();
        assertThat(store.findCorrelation("smsc-a", "R9")).map(Correlation::messageId).contains(id);
    }

    // ---- DLR correlation ----

    @Test
    void correlationIsFoundByConnectorAndRemoteId() {
        MessageId id = recorded();
        now.set(T0.plusSeconds(10));

        join(store.putCorrelation("smsc-a", "1F2E", id, 2, 3));

        assertThat(store.findCorrelation("smsc-a", "1F2E"))
                .contains(new Correlation("smsc-a", "1F2E", id, 2, 3, T0.plusSeconds(10)));
    }

    @Test
    void correlationRemoteIdIsExactAndPerConnector() {
        MessageId id = recorded();
        join(store.putCorrelation("smsc-a", "1F2E", id, 1, 1));

        assertThat(store.findCorrelation("smsc-a", "1f2e")).isEmpty();
        assertThat(store.findCorrelation("smsc-b", "1F2E")).isEmpty();
        assertThat(store.findCorrelation("smsc-a", "unknown")).isEmpty();
    }

    @Test
    void aReusedRemoteIdPointsAtTheNewerMessage() {
        MessageId older = recorded();
        MessageId newer = recorded();
        join(store.putCorrelation("smsc-a", "77", older, 1, 1));

        join(store.putCorrelation("smsc-a", "77", newer, 1, 2));

        Correlation c = store.findCorrelation("smsc-a", "77").orElseThrow();
        assertThat(c.messageId()).isEqualTo(newer);
        assertThat(c.parts()).isEqualTo(2);
    }

    @Test
    void singlePartDeliveredIsComplete() {
        MessageId id = recorded();

        PartTally t = join(store.recordPartOutcome(id, 1, 1, MessageStatus.DELIVERED));

        assertThat(t).isEqualTo(new PartTally(1, 1, 0, MessageStatus.DELIVERED));
        assertThat(t.complete()).isTrue();
        assertThat(t.overall()).isEqualTo(MessageStatus.DELIVERED);
    }

    @Test
    void partTallyCountsEachPartOnceAndKeepsTheWorstFailure() {
        MessageId id = recorded();

        PartTally t1 = join(store.recordPartOutcome(id, 1, 3, MessageStatus.DELIVERED));
        PartTally dup = join(store.recordPartOutcome(id, 1, 3, MessageStatus.DELIVERED));
        PartTally t2 = join(store.recordPartOutcome(id, 2, 3, MessageStatus.UNDELIVERABLE));
        PartTally t3 = join(store.recordPartOutcome(id, 3, 3, MessageStatus.REJECTED));

        assertThat(t1).isEqualTo(new PartTally(3, 1, 0, MessageStatus.DELIVERED));
        assertThat(t1.complete()).isFalse();
        assertThat(dup).isEqualTo(t1);
        assertThat(t2).isEqualTo(new PartTally(3, 1, 1, MessageStatus.UNDELIVERABLE));
        assertThat(t3).isEqualTo(new PartTally(3, 1, 2, MessageStatus.REJECTED));
        assertThat(t3.complete()).isTrue();
        assertThat(t3.overall()).isEqualTo(MessageStatus.REJECTED);
    }

    @Test
    void aRepeatedPartKeepsItsFirstOutcome() {
        MessageId id = recorded();
        join(store.recordPartOutcome(id, 1, 2, MessageStatus.EXPIRED));

        PartTally t = join(store.recordPartOutcome(id, 1, 2, MessageStatus.DELIVERED));

        assertThat(t).isEqualTo(new PartTally(2, 0, 1, MessageStatus.EXPIRED));
    }

    @Test
    void worstFailureOrdersRejectedUndeliverableExpiredDeleted() {
        assertWorst(MessageStatus.REJECTED, MessageStatus.DELETED, MessageStatus.REJECTED, MessageStatus.EXPIRED);
        assertWorst(MessageStatus.UNDELIVERABLE, MessageStatus.EXPIRED, MessageStatus.UNDELIVERABLE);
        assertWorst(MessageStatus.EXPIRED, MessageStatus.DELETED, MessageStatus.EXPIRED, MessageStatus.DELIVERED);
        assertWorst(MessageStatus.DELETED, MessageStatus.DELIVERED, MessageStatus.DELETED);
    }

    private void assertWorst(MessageStatus expected, MessageStatus... outcomes) {
        MessageId id = recorded();
        PartTally last = null;
        for (int i = 0; i < outcomes.length; i++) {
            last = join(store.recordPartOutcome(id, i + 1, outcomes.length, outcomes[i]));
        }
        assertThat(last.worst()).isEqualTo(expected);
        assertThat(last.complete()).isTrue();
    }

    @Test
    void outcomesQueuedTogetherCompleteExactlyOnce() {
        MessageId id = recorded();
        int parts = 6;
        List<CompletionStage<PartTally>> tallies = new ArrayList<>();
        for (int part = 1; part <= parts; part++) {
            tallies.add(store.recordPartOutcome(id, part, parts, MessageStatus.DELIVERED));
            tallies.add(store.recordPartOutcome(id, part, parts, MessageStatus.DELIVERED)); // duplicate receipt
        }

        List<PartTally> results = tallies.stream().map(StoreContract::join).toList();

        assertThat(results.stream().filter(PartTally::complete)).hasSize(2); // the last part and its duplicate
        assertThat(results).extracting(PartTally::delivered)
                .containsExactly(1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6);
    }

    @Test
    void partOutcomeMustBeFinal() {
        MessageId id = recorded();
        assertThatThrownBy(() -> store.recordPartOutcome(id, 1, 1, MessageStatus.ENROUTE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void partOutcomeMustBeWithinParts() {
        MessageId id = recorded();
        assertThatThrownBy(() -> store.recordPartOutcome(id, 3, 2, MessageStatus.DELIVERED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- parked receipts ----

    ParkedReceipt receipt(String connector, String remoteId, Instant at) {
        return new ParkedReceipt(0, connector, remoteId, ("id:" + remoteId).getBytes(StandardCharsets.US_ASCII), at);
    }

    @Test
    void parkedReceiptsComeOldestFirstPerConnector() {
        join(store.parkReceipt(receipt("smsc-a", "2", T0.plusSeconds(2))));
        join(store.parkReceipt(receipt("smsc-a", "1", T0.plusSeconds(1))));
        join(store.parkReceipt(receipt("smsc-b", "9", T0)));
        join(store.parkReceipt(receipt("smsc-a", "3", T0.plusSeconds(3))));

        List<ParkedReceipt> a = store.parkedReceipts("smsc-a", 10);

        assertThat(a).extracting(ParkedReceipt::remoteId).containsExactly("1", "2", "3");
        assertThat(a).allSatisfy(r -> assertThat(r.parkId()).isPositive());
        assertThat(a.get(0).payload()).isEqualTo("id:1".getBytes(StandardCharsets.US_ASCII));
        assertThat(a.get(0).parkedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(a.get(0).connector()).isEqualTo("smsc-a");
        assertThat(store.parkedReceipts("smsc-a", 2)).extracting(ParkedReceipt::remoteId).containsExactly("1", "2");
        assertThat(store.parkedReceipts("smsc-c", 10)).isEmpty();
    }

    @Test
    void parkedReceiptsBeforeSpanConnectors() {
        join(store.parkReceipt(receipt("smsc-a", "1", T0.plusSeconds(1))));
        join(store.parkReceipt(receipt("smsc-b", "2", T0.plusSeconds(2))));
        join(store.parkReceipt(receipt("smsc-a", "3", T0.plusSeconds(3))));

        assertThat(store.parkedReceiptsBefore(T0.plusSeconds(3), 10)).extracting(ParkedReceipt::remoteId)
                .containsExactly("1", "2");
        assertThat(store.parkedReceiptsBefore(T0.plusSeconds(9), 1)).extracting(ParkedReceipt::remoteId)
                .containsExactly("1");
        assertThat(store.parkedReceiptsBefore(T0, 10)).isEmpty();
    }

    @Test
    void deletedParkedReceiptIsGone() {
        join(store.parkReceipt(receipt("smsc-a", "1", T0)));
        join(store.parkReceipt(receipt("smsc-a", "2", T0.plusSeconds(1))));
        long first = store.parkedReceipts("smsc-a", 10).get(0).parkId();

        join(store.deleteParkedReceipt(first));

        assertThat(store.parkedReceipts("smsc-a", 10)).extracting(ParkedReceipt::remoteId).containsExactly("2");
    }

    @Test
    void deletingAnUnknownParkedReceiptCompletes() {
        join(store.deleteParkedReceipt(123_456_789L));
    }

    @Test
    void parkedReceiptLimitMustBePositive() {
        assertThatThrownBy(() -> store.parkedReceipts("smsc-a", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- submits whose outcome is unknown ----

    private UnknownSubmission unknownOf(MessageId id, String handset, int part, int parts, String excerpt) {
        return new UnknownSubmission(id, "smsc-a", part, parts, handset, excerpt, now.get());
    }

    @Test
    void unknownSubmissionsAreFoundByConnectorAndHandsetOldestFirst() {
        MessageId first = ids.next();
        MessageId second = ids.next();
        MessageId other = ids.next();
        store.rememberUnknownSubmission(unknownOf(first, "447700900123", 1, 1, "Your code is 1234"));
        now.set(T0.plusSeconds(5));
        store.rememberUnknownSubmission(unknownOf(second, "447700900123", 2, 3, ""));
        store.rememberUnknownSubmission(unknownOf(other, "447700900999", 1, 1, "hello"));
        store.rememberUnknownSubmission(new UnknownSubmission(other, "smsc-b", 1, 1, "447700900123", "x", T0));

        List<UnknownSubmission> found = store.unknownSubmissions("smsc-a", "447700900123", 10);

        assertThat(found).containsExactly(
                new UnknownSubmission(first, "smsc-a", 1, 1, "447700900123", "Your code is 1234", T0),
                new UnknownSubmission(second, "smsc-a", 2, 3, "447700900123", "", T0.plusSeconds(5)));
        assertThat(store.unknownSubmissions("smsc-a", "447700900123", 1)).extracting(UnknownSubmission::id)
                .containsExactly(first);
        assertThat(store.unknownSubmissions("smsc-a", "447700900000", 10)).isEmpty();
        assertThat(store.unknownSubmissions("smsc-b", "447700900123", 10)).extracting(UnknownSubmission::id)
                .containsExactly(other);
    }

    @Test
    void rememberingAnUnknownSubmissionTwiceKeepsOne() {
        MessageId id = ids.next();
        store.rememberUnknownSubmission(unknownOf(id, "4477", 1, 1, "first"));
        now.set(T0.plusSeconds(1));
        store.rememberUnknownSubmission(unknownOf(id, "4477", 1, 1, "second"));

        assertThat(store.unknownSubmissions("smsc-a", "4477", 10)).extracting(UnknownSubmission::excerpt)
                .containsExactly("first");
    }

    @Test
    void aForgottenUnknownSubmissionIsGoneAndTheOthersStay() {
        MessageId id = ids.next();
        UnknownSubmission one = unknownOf(id, "4477", 1, 2, "a");
        store.rememberUnknownSubmission(one);
        store.rememberUnknownSubmission(unknownOf(id, "4477", 2, 2, "b"));

        store.forgetUnknownSubmission(one);
        store.forgetUnknownSubmission(one);

        assertThat(store.unknownSubmissions("smsc-a", "4477", 10)).extracting(UnknownSubmission::part)
                .containsExactly(2);
    }

    @Test
    void unknownSubmissionsArePurgedWithTheirMessage() {
        MessageId old = recorded();
        store.rememberUnknownSubmission(unknownOf(old, "4477", 1, 1, "old"));
        now.set(T0.plus(Duration.ofDays(3)));
        MessageId fresh = recorded();
        store.rememberUnknownSubmission(unknownOf(fresh, "4477", 1, 1, "fresh"));

        store.purgeOlderThan(T0.plus(Duration.ofDays(1)));

        assertThat(store.unknownSubmissions("smsc-a", "4477", 10)).extracting(UnknownSubmission::id)
                .containsExactly(fresh);
    }

    @Test
    void unknownSubmissionLimitMustBePositive() {
        assertThatThrownBy(() -> store.unknownSubmissions("smsc-a", "4477", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- MO reassembly ----

    Fragment fragment(String key, int seq, int total, String payload, Instant expiresAt) {
        return new Fragment(key, seq, total, payload.getBytes(StandardCharsets.UTF_8), expiresAt);
    }

    @Test
    void fragmentsComeOrderedBySequence() {
        Instant exp = T0.plusSeconds(60);
        join(store.saveFragment(fragment("k1", 3, 3, "c", exp)));
        join(store.saveFragment(fragment("k1", 1, 3, "a", exp)));
        join(store.saveFragment(fragment("k2", 1, 2, "other", exp)));
        join(store.saveFragment(fragment("k1", 2, 3, "b", exp)));

        List<Fragment> f = store.fragments("k1");

        assertThat(f).extracting(Fragment::sequence).containsExactly(1, 2, 3);
        assertThat(f).extracting(x -> new String(x.payload(), StandardCharsets.UTF_8)).containsExactly("a", "b", "c");
        assertThat(f.get(0).total()).isEqualTo(3);
        assertThat(f.get(0).expiresAt()).isEqualTo(exp);
        assertThat(f.get(0).key()).isEqualTo("k1");
        assertThat(store.fragments("none")).isEmpty();
    }

    @Test
    void aDuplicateFragmentReplacesNothing() {
        join(store.saveFragment(fragment("k1", 1, 2, "first", T0.plusSeconds(60))));

        join(store.saveFragment(fragment("k1", 1, 2, "second", T0.plusSeconds(99))));

        List<Fragment> f = store.fragments("k1");
        assertThat(f).hasSize(1);
        assertThat(new String(f.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("first");
    }

    @Test
    void deletedFragmentsAreGoneAndTheKeyCanBeReused() {
        join(store.saveFragment(fragment("k1", 1, 2, "a", T0.plusSeconds(60))));
        join(store.saveFragment(fragment("k2", 1, 2, "keep", T0.plusSeconds(60))));

        join(store.deleteFragments("k1"));
        assertThat(store.fragments("k1")).isEmpty();
        assertThat(store.fragments("k2")).hasSize(1);

        var save = store.saveFragment(fragment("k1", 1, 2, "again", T0.plusSeconds(60)));
        var delete = store.deleteFragments("k1");
        var saveAgain = store.saveFragment(fragment("k1", 2, 2, "new", T0.plusSeconds(60)));
        join(save);
        join(delete);
        join(saveAgain);
        assertThat(store.fragments("k1")).extracting(Fragment::sequence).containsExactly(2);
    }

    @Test
    void sequenceZeroIsAFragmentLikeAnyOther() {
        // the reassembler's completion marker (Reassembler.MARKER_SEQUENCE) shares its key with the parts
        byte[] digests = new byte[48];
        digests[47] = 7;
        join(store.saveFragment(new Fragment("k1", 0, 3, digests, T0.plusSeconds(120))));
        join(store.saveFragment(fragment("k1", 2, 3, "b", T0.plusSeconds(60))));

        List<Fragment> f = store.fragments("k1");

        assertThat(f).extracting(Fragment::sequence).containsExactly(0, 2);
        assertThat(f.get(0).payload()).isEqualTo(digests);
        assertThat(f.get(0).expiresAt()).isEqualTo(T0.plusSeconds(120));
        assertThat(store.expiredFragmentKeys(T0.plusSeconds(61), 10)).containsExactly("k1");
    }

    @Test
    void expiredFragmentKeysAreThoseWithAFragmentPastItsTime() {
        join(store.saveFragment(fragment("old", 1, 2, "a", T0.plusSeconds(10))));
        join(store.saveFragment(fragment("old", 2, 2, "b", T0.plusSeconds(70))));
        join(store.saveFragment(fragment("older", 1, 2, "a", T0.plusSeconds(5))));
        join(store.saveFragment(fragment("fresh", 1, 2, "a", T0.plusSeconds(60))));

        assertThat(store.expiredFragmentKeys(T0.plusSeconds(30), 10)).containsExactly("older", "old");
        assertThat(store.expiredFragmentKeys(T0.plusSeconds(30), 1)).containsExactly("older");
        assertThat(store.expiredFragmentKeys(T0, 10)).isEmpty();
    }

    // ---- housekeeping ----

    @Test
    void purgeRemovesOldStateAndKeepsNew() {
        MessageId old = recorded();
        join(store.appendEvent(old, event(EventType.SUBMITTED, MessageStatus.ENROUTE, Duration.ofSeconds(1))));
        join(store.markSubmitted(old, "smsc-a", 1));
        join(store.putCorrelation("smsc-a", "old-remote", old, 1, 1));
        join(store.recordPartOutcome(old, 1, 1, MessageStatus.DELIVERED));

        now.set(T0.plus(Duration.ofDays(3)));
        MessageId fresh = recorded();
        join(store.markSubmitted(fresh, "smsc-a", 1));
        join(store.putCorrelation("smsc-a", "new-remote", fresh, 1, 1));

        long removed = store.purgeOlderThan(T0.plus(Duration.ofDays(1)));

        // message, SUBMITTED event, mark, correlation, outcome (plus the ACCEPTED event where it has its own row)
        assertThat(removed).isGreaterThanOrEqualTo(5);
        assertThat(store.find(old)).isEmpty();
        assertThat(store.isSubmitted(old, "smsc-a", 1)).isFalse();
        assertThat(store.findCorrelation("smsc-a", "old-remote")).isEmpty();
        assertThat(found(fresh).history()).hasSize(1);
        assertThat(store.isSubmitted(fresh, "smsc-a", 1)).isTrue();
        assertThat(store.findCorrelation("smsc-a", "new-remote")).isPresent();
        // the old part outcome is gone too: recording it again counts afresh
        assertThat(join(store.recordPartOutcome(old, 1, 1, MessageStatus.REJECTED)).worst())
                .isEqualTo(MessageStatus.REJECTED);
    }

    @Test
    void purgeInSlicesOfOneRowRemovesTheSameAsAtOnce() {
        List<MessageId> old = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            MessageId id = recorded();
            // two events under one key: a slice of one row cannot end between them
            join(store.appendEvent(id, event(EventType.SUBMITTED, MessageStatus.ENROUTE, Duration.ofSeconds(1))));
            join(store.appendEvent(id, event(EventType.REPORT, MessageStatus.DELIVERED, Duration.ofSeconds(2))));
            join(store.putCorrelation("smsc-a", "old-" + i, id, 1, 1));
            old.add(id);
            now.set(now.get().plusMillis(3));
        }
        now.set(T0.plus(Duration.ofDays(3)));
        MessageId fresh = recorded();
        join(store.putCorrelation("smsc-a", "fresh", fresh, 1, 1));

        List<Long> pauses = new ArrayList<>();
        long removed = ((JdbcStore) store).purgeOlderThan(T0.plus(Duration.ofDays(1)), 1, pauses::add);

        // 5 messages, 10 events, 5 correlations (plus ACCEPTED events where they have rows of their own)
        assertThat(removed).isGreaterThanOrEqualTo(20);
        // the pacer is asked after every slice but a table's last: at least 4 per table of 5 keys
        assertThat(pauses).hasSizeGreaterThanOrEqualTo(12).allSatisfy(n -> assertThat(n).isPositive());
        assertThat(old).allSatisfy(id -> assertThat(store.find(id)).isEmpty());
        for (int i = 0; i < 5; i++) {
            assertThat(store.findCorrelation("smsc-a", "old-" + i)).isEmpty();
        }
        assertThat(found(fresh).history()).hasSize(1);
        assertThat(store.findCorrelation("smsc-a", "fresh")).isPresent();
        assertThat(((JdbcStore) store).purgeOlderThan(T0.plus(Duration.ofDays(1)), 1, n -> { })).isZero();
    }

    @Test
    void anInterruptedPurgeStopsBetweenSlicesAndTheNextOneGoesOn() {
        List<MessageId> old = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            old.add(recorded());
            now.set(now.get().plusMillis(3));
        }
        now.set(T0.plus(Duration.ofDays(3)));
        Instant cutoff = T0.plus(Duration.ofDays(1));

        long first = ((JdbcStore) store).purgeOlderThan(cutoff, 1, n -> {
            throw new InterruptedException("node stopping");
        });

        assertThat(Thread.interrupted()).as("interrupt kept for the caller").isTrue();
        assertThat(first).as("one slice, then stopped").isPositive().isLessThan(5);
        assertThat(old.stream().filter(id -> store.find(id).isPresent())).hasSize(5 - (int) first);
        long second = ((JdbcStore) store).purgeOlderThan(cutoff, 1, n -> { });
        assertThat(old).allSatisfy(id -> assertThat(store.find(id)).isEmpty());
        assertThat(first + second).isGreaterThanOrEqualTo(5);
    }

    @Test
    void aMarkIsEmptyUntilSavedThenTheLastSavedOne() {
        assertThat(store.mark("sweeper.own.3.7")).isEmpty();

        store.saveMark("sweeper.own.3.7", T0);
        store.saveMark("sweeper.own.3.7", T0.plusSeconds(90));
        store.saveMark("sweeper.any.3.7", T0.minusSeconds(5));

        assertThat(store.mark("sweeper.own.3.7")).contains(T0.plusSeconds(90));
        assertThat(store.mark("sweeper.any.3.7")).contains(T0.minusSeconds(5));
        assertThat(store.mark("sweeper.own.3.8")).isEmpty();
    }

    @Test
    void aMarkIsClaimedOnlyFromWhatItIs() {
        assertThat(store.claimMark("purge", Optional.empty(), T0)).as("first claim").isTrue();
        assertThat(store.claimMark("purge", Optional.empty(), T0.plusSeconds(1))).as("none expected, one there")
                .isFalse();
        assertThat(store.claimMark("purge", Optional.of(T0.minusSeconds(1)), T0.plusSeconds(2))).as("stale")
                .isFalse();
        assertThat(store.mark("purge")).contains(T0);

        Instant read = store.mark("purge").orElseThrow();
        assertThat(store.claimMark("purge", Optional.of(read), T0.plus(Duration.ofHours(1)))).isTrue();
        assertThat(store.mark("purge")).contains(T0.plus(Duration.ofHours(1)));
        assertThat(store.claimMark("purge", Optional.of(read), T0.plus(Duration.ofHours(2)))).as("moved on since")
                .isFalse();
    }

    @Test
    void ofNodesClaimingTheSameMarkAtOnceExactlyOneWins() throws Exception {
        int nodes = 6;
        for (Optional<Instant> expected : List.of(Optional.<Instant>empty(), Optional.of(T0.plusSeconds(1)))) {
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(nodes);
            try {
                List<Future<Boolean>> claims = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    Instant mine = T0.plusSeconds(10 + i); // each different from what they expect
                    claims.add(pool.submit(() -> {
                        go.await();
                        return store.claimMark("purge", expected, mine);
                    }));
                }
                go.countDown();
                int won = 0;
                for (Future<Boolean> f : claims) {
                    won += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(won).as("claims won from %s", expected).isOne();
            } finally {
                pool.shutdownNow();
            }
            if (expected.isEmpty()) {
                // the next round expects T0 + 1 s: make it so whichever node won the first
                store.saveMark("purge", T0.plusSeconds(1));
            }
        }
    }

    @Test
    void purgeLeavesMarksAlone() {
        store.saveMark("sweeper.own.3.7", T0);
        store.purgeOlderThan(T0.plus(Duration.ofDays(30)));
        assertThat(store.mark("sweeper.own.3.7")).contains(T0);
    }

    @Test
    void purgeOfNothingRemovesNothing() {
        recorded();
        assertThat(store.purgeOlderThan(T0.minusSeconds(1))).isZero();
    }

    @Test
    void healthyWhileOpen() {
        assertThat(store.isHealthy()).isTrue();
    }

    @Test
    void closeWritesWhatIsQueuedThenRefusesWrites() {
        List<CompletableFuture<Boolean>> marks = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            marks.add(store.markSubmitted(ids.next(), "smsc-a", 1).toCompletableFuture());
        }

        store.close();

        assertThat(marks).allSatisfy(f -> assertThat(f).isCompletedWithValue(true));
        assertThat(store.markSubmitted(ids.next(), "smsc-a", 1).toCompletableFuture())
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TemporaryFailureException.class);
        assertThat(store.isHealthy()).isFalse();
        store.close(); // idempotent
    }

    // ---- concurrency ----

    @Test
    void manyThreadsWritingInParallelAreAllVisible() throws Exception {
        int threads = 8;
        int perThread = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<MessageId>>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    List<MessageId> mine = new ArrayList<>();
                    List<CompletableFuture<?>> pending = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        MessageId id = ids.next();
                        mine.add(id);
                        String remote = thread + "-" + i;
                        pending.add(store.recordMessage(message(id, "m" + i), accepted()).toCompletableFuture());
                        pending.add(store.appendEvent(id, event(EventType.SUBMITTED, MessageStatus.ENROUTE,
                                Duration.ofSeconds(1))).toCompletableFuture());
                        pending.add(store.markSubmitted(id, "smsc-a", 1).toCompletableFuture());
                        pending.add(store.putCorrelation("smsc-a", remote, id, 1, 1).toCompletableFuture());
                        pending.add(store.recordPartOutcome(id, 1, 1, MessageStatus.DELIVERED).toCompletableFuture());
                        pending.add(store.appendEvent(id, event(EventType.REPORT, MessageStatus.DELIVERED,
                                Duration.ofSeconds(2))).toCompletableFuture());
                    }
                    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                    return mine;
                }));
            }
            for (int t = 0; t < threads; t++) {
                List<MessageId> mine = work.get(t).get(90, TimeUnit.SECONDS);
                for (int i = 0; i < mine.size(); i++) {
                    MessageId id = mine.get(i);
                    MessageRecord r = found(id);
                    assertThat(r.status()).isEqualTo(MessageStatus.DELIVERED);
                    assertThat(r.history()).hasSize(3);
                    assertThat(store.isSubmitted(id, "smsc-a", 1)).isTrue();
                    assertThat(store.findCorrelation("smsc-a", t + "-" + i)).map(Correlation::messageId)
                            .contains(id);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
