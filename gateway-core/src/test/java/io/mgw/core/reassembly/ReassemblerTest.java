package io.mgw.core.reassembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.model.Address;
import io.mgw.core.model.Concat;
import io.mgw.core.model.Content;
import io.mgw.core.model.Direction;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.Origin;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ReassemblerTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryFragmentStore store = new InMemoryFragmentStore();
    private final Reassembler reassembler = new Reassembler(store, TIMEOUT, clock);

    /** Part {@code seq} of {@code total} of an MO text, id derived from the sequence so parts are told apart. */
    private static Message part(int ref, int total, int seq, boolean wide, String text) {
        return Message.builder()
                .id(new MessageId(ref, seq))
                .direction(Direction.MO)
                .origin(new Origin("smpp", "smsc-a", "node-1", "deliver_sm:" + seq))
                .source(Address.msisdn("4917012345"))
                .destination(new Address(io.mgw.core.model.AddressType.SHORT_CODE, "4242", 3, 0))
                .receivedAt(T0)
                .content(new Content.Text(text))
                .concat(Optional.of(new Concat(ref, total, seq, wide)))
                .attributes(Map.of("smpp.seq", Integer.toString(seq)))
                .build();
    }

    private static List<Message> parts(int ref, String... texts) {
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            out.add(part(ref, texts.length, i + 1, false, texts[i]));
        }
        return out;
    }

    private Optional<Message> offer(Message m) {
        return reassembler.offer(m).toCompletableFuture().join();
    }

    /** Offers all parts; returns the results in offer order. */
    private List<Optional<Message>> offerAll(List<Message> parts) {
        return parts.stream().map(this::offer).toList();
    }

    private static String text(Message m) {
        return ((Content.Text) m.content()).text();
    }

    // ---- pass-through ----

    @Test
    void messageWithoutConcatComesBackAtOnce() {
        Message single = part(1, 2, 1, false, "x").withContent(new Content.Text("whole"), Optional.empty());

        assertThat(offer(single)).containsSame(single);
        assertThat(store.size()).isZero();
    }

    @Test
    void singlePartConcatComesBackAtOnceUnchanged() {
        Message single = part(9, 1, 1, false, "only");

        assertThat(offer(single)).containsSame(single);
        assertThat(store.size()).isZero();
    }

    // ---- joining ----

    @Test
    void partsInOrderJoin() {
        List<Optional<Message>> results = offerAll(parts(7, "Hello ", "wörld ", "👋"));

        assertThat(results.get(0)).isEmpty();
        assertThat(results.get(1)).isEmpty();
        Message joined = results.get(2).orElseThrow();
        assertThat(text(joined)).isEqualTo("Hello wörld 👋");
        assertThat(joined.concat()).isEmpty();
        assertThat(store.size()).isZero();
    }

    /**
     * The SMSC's sender split "😀" between parts 1 and 2 (a part ending with the high surrogate, the next starting with
     * the low one); the connector keeps such parts as UCS-2 octets, and the joined text has the character whole.
     */
    @Test
    void partsCutInsideASurrogatePairJoinToTheWholeCharacter() {
        byte[] ucs2 = "hi \uD83D\uDE00 you".getBytes(java.nio.charset.StandardCharsets.UTF_16BE);
        Message p1 = part(12, 3, 1, false, "x").withContent(
                new Content.Binary(new byte[] {5, 0, 3, 12, 3, 1}, java.util.Arrays.copyOf(ucs2, 8), 0x08),
                Optional.of(new Concat(12, 3, 1, false)));
        Message p2 = part(12, 3, 2, false, "x").withContent(
                new Content.Binary(new byte[] {5, 0, 3, 12, 3, 2}, java.util.Arrays.copyOfRange(ucs2, 8, 12), 0x08),
                Optional.of(new Concat(12, 3, 2, false)));
        Message p3 = part(12, 3, 3, false, "you"); // a part without a cut stays text

        List<Optional<Message>> results = offerAll(List.of(p3, p1, p2));

        assertThat(text(results.get(2).orElseThrow())).isEqualTo("hi \uD83D\uDE00 you");
    }

    @Test
    void joinedMessageKeepsPartOnesIdOriginAndAttributesAndAddsThePartCount() {
        List<Message> parts = parts(7, "a", "b", "c");
        Collections.reverse(parts); // part 1 arrives last: still its id, not the first arrival's

        Message joined = offerAll(parts).get(2).orElseThrow();

        Message first = parts.get(2);
        assertThat(joined.id()).isEqualTo(first.id());
        assertThat(joined.origin()).isEqualTo(first.origin());
        assertThat(joined.source()).isEqualTo(first.source());
        assertThat(joined.destinations()).isEqualTo(first.destinations());
        assertThat(joined.direction()).isEqualTo(Direction.MO);
        assertThat(joined.attributes()).isEqualTo(Map.of("smpp.seq", "1", Reassembler.PARTS_ATTRIBUTE, "3"));
    }

    @Test
    void partsInReverseOrderJoin() {
        List<Message> parts = parts(8, "one ", "two ", "three ", "four");
        Collections.reverse(parts);

        List<Optional<Message>> results = offerAll(parts);

        assertThat(results.subList(0, 3)).allMatch(Optional::isEmpty);
        assertThat(text(results.get(3).orElseThrow())).isEqualTo("one two three four");
    }

    @Test
    void partsInShuffledOrderJoin() {
        Random random = new Random(20261123);
        for (int round = 0; round < 50; round++) {
            int total = 2 + random.nextInt(8);
            String[] texts = new String[total];
            for (int i = 0; i < total; i++) {
                texts[i] = "[" + (i + 1) + "]";
            }
            List<Message> parts = parts(round, texts);
            Collections.shuffle(parts, random);

            List<Optional<Message>> results = offerAll(parts);

            assertThat(results.subList(0, total - 1)).as("round %d", round).allMatch(Optional::isEmpty);
            assertThat(text(results.get(total - 1).orElseThrow())).as("round %d", round)
                    .isEqualTo(String.join("", texts));
        }
        assertThat(store.size()).isZero();
    }

    @Test
    void duplicatePartsAreIgnored() {
        List<Message> parts = parts(3, "A", "B", "C");

        assertThat(offer(parts.get(0))).isEmpty();
        assertThat(offer(parts.get(0))).isEmpty();
        assertThat(offer(parts.get(1))).isEmpty();
        assertThat(offer(parts.get(0))).isEmpty();
        Message joined = offer(parts.get(2)).orElseThrow();

        assertThat(text(joined)).isEqualTo("ABC");
        assertThat(reassembler.referenceReused()).isZero();
    }

    @Test
    void aReferenceReusedBeforeTheOldMessageCompletedGivesTheOldPartsUpAndJoinsTheNewMessage() {
        List<Message> old = parts(50, "old one ", "old two ", "old three"); // its part 3 never comes
        offer(old.get(0));
        offer(old.get(1));
        List<Message> next = parts(50, "new one ", "new two ", "new three");

        assertThat(offer(next.get(0))).isEmpty();
        assertThat(offer(next.get(1))).isEmpty();
        Message joined = offer(next.get(2)).orElseThrow();

        assertThat(text(joined)).isEqualTo("new one new two new three");
        assertThat(reassembler.referenceReused()).isEqualTo(2);
        // the old parts come out at the next expiry, before their own timeout, unchanged
        assertThat(reassembler.expire()).containsExactly(old.get(0), old.get(1));
        assertThat(reassembler.expire()).as("handed out once").isEmpty();
        assertThat(store.size()).as("no part left").isZero();
    }

    @Test
    void aPartOfTheSameSequenceWithOtherContentAfterTheSetWasCompleteIsANewMessage() {
        List<Message> parts = parts(51, "A", "B", "C");
        offer(parts.get(0));
        offer(parts.get(1));

        // the same sequence with other content: not a copy of "B", so not dropped
        assertThat(offer(parts.get(1).withContent(new Content.Text("B-other"), parts.get(1).concat()))).isEmpty();
        assertThat(offer(parts.get(2))).as("the old set was given up; the new one lacks its part 1").isEmpty();

        assertThat(reassembler.expire()).containsExactly(parts.get(0), parts.get(1));
    }

    @Test
    void eightBitAndSixteenBitReferencesWithTheSameValueDoNotMix() {
        Message narrow1 = part(42, 2, 1, false, "narrow-1 ");
        Message wide1 = part(42, 2, 1, true, "wide-1 ");
        Message narrow2 = part(42, 2, 2, false, "narrow-2");
        Message wide2 = part(42, 2, 2, true, "wide-2");

        assertThat(offer(narrow1)).isEmpty();
        assertThat(offer(wide1)).isEmpty();
        assertThat(text(offer(narrow2).orElseThrow())).isEqualTo("narrow-1 narrow-2");
        assertThat(text(offer(wide2).orElseThrow())).isEqualTo("wide-1 wide-2");
    }

    @Test
    void differentTotalsDifferentSendersAndDifferentConnectorsDoNotMix() {
        Message a1 = part(5, 2, 1, false, "a1");
        Message otherTotal = part(5, 3, 2, false, "x");
        Message otherSender = part(5, 2, 2, false, "y").withAttributes(Map.of());
        Message otherSenderFixed = new Message(otherSender.id(), otherSender.kind(), otherSender.direction(),
                otherSender.origin(), Address.msisdn("4917099999"), otherSender.destinations(), otherSender.content(),
                0, T0, T0.plusSeconds(60), Optional.empty(), otherSender.reportRequest(), otherSender.concat(),
                Map.of());
        Message otherConnector = new Message(otherSender.id(), otherSender.kind(), otherSender.direction(),
                new Origin("smpp", "smsc-b", "node-1", ""), a1.source(), a1.destinations(), otherSender.content(), 0,
                T0, T0.plusSeconds(60), Optional.empty(), otherSender.reportRequest(), otherSender.concat(), Map.of());

        assertThat(offer(a1)).isEmpty();
        assertThat(offer(otherTotal)).isEmpty();
        assertThat(offer(otherSenderFixed)).isEmpty();
        assertThat(offer(otherConnector)).isEmpty();
        assertThat(text(offer(part(5, 2, 2, false, "a2")).orElseThrow())).isEqualTo("a1a2");
    }

    @Test
    void addressesContainingTheSeparatorDoNotCollide() {
        Message p = part(1, 2, 1, false, "x");
        Message a = new Message(p.id(), p.kind(), p.direction(), new Origin("smpp", "acc|x", "", ""),
                Address.of("y"), p.destinations(), p.content(), 0, T0, T0, Optional.empty(), p.reportRequest(),
                p.concat(), Map.of());
        Message b = new Message(p.id(), p.kind(), p.direction(), new Origin("smpp", "acc", "", ""),
                Address.of("x|y"), p.destinations(), p.content(), 0, T0, T0, Optional.empty(), p.reportRequest(),
                p.concat(), Map.of());

        assertThat(Reassembler.key(a, a.concat().get())).isNotEqualTo(Reassembler.key(b, b.concat().get()));
    }

    @Test
    void veryLongAddressesGiveABoundedKeyAndStillJoin() {
        String email = "x".repeat(300) + "@example.com";
        List<Message> parts = new ArrayList<>();
        for (int seq = 1; seq <= 2; seq++) {
            Message p = part(4, 2, seq, false, "e" + seq);
            parts.add(p.withDestinations(List.of(Address.of(email))));
        }

        String key = Reassembler.key(parts.get(0), parts.get(0).concat().get());

        assertThat(key).startsWith("mo#").hasSizeLessThanOrEqualTo(Reassembler.MAX_PLAIN_KEY);
        assertThat(text(offerAll(parts).get(1).orElseThrow())).isEqualTo("e1e2");
    }

    @Test
    void binaryPartsJoinWithTheConcatElementStripped() {
        List<Message> parts = new ArrayList<>();
        for (int seq = 1; seq <= 2; seq++) {
            byte[] udh = {0x05, 0x00, 0x03, 0x11, 0x02, (byte) seq};
            parts.add(part(0x11, 2, seq, false, "").withContent(
                    new Content.Binary(udh, new byte[] {(byte) (seq * 10), (byte) (seq * 10 + 1)}, 0x04),
                    Optional.of(new Concat(0x11, 2, seq, false))));
        }
        Collections.reverse(parts);

        Message joined = offerAll(parts).get(1).orElseThrow();

        Content.Binary b = (Content.Binary) joined.content();
        assertThat(b.udh()).isEmpty();
        assertThat(b.data()).containsExactly(10, 11, 20, 21);
        assertThat(b.dataCoding()).isEqualTo(0x04);
    }

    @Test
    void binaryPartsKeepOtherUdhElements() {
        List<Message> parts = new ArrayList<>();
        for (int seq = 1; seq <= 2; seq++) {
            // 16-bit concat element, then application port addressing 16-bit (IEI 0x05): WAP push ports
            byte[] udh = {0x0C, 0x08, 0x04, 0x12, 0x34, 0x02, (byte) seq, 0x05, 0x04, 0x0B, (byte) 0x84, 0x23,
                    (byte) 0xF0};
            parts.add(part(0x1234, 2, seq, true, "").withContent(new Content.Binary(udh, new byte[] {(byte) seq}, 4),
                    Optional.of(new Concat(0x1234, 2, seq, true))));
        }

        Message joined = offerAll(parts).get(1).orElseThrow();

        Content.Binary b = (Content.Binary) joined.content();
        assertThat(b.udh()).containsExactly(0x06, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0);
        assertThat(b.data()).containsExactly(1, 2);
    }

    @Test
    void malformedUdhIsDroppedWhole() {
        assertThat(Reassembler.withoutConcatElement(new byte[] {0x05, 0x00, 0x03, 0x01})).isEmpty(); // short
        assertThat(Reassembler.withoutConcatElement(new byte[] {0x03, 0x05, 0x09, 0x01})).isEmpty(); // IE too long
        assertThat(Reassembler.withoutConcatElement(new byte[] {0x02, 0x05, 0x00, 0x07})).isEmpty(); // UDHL wrong
        assertThat(Reassembler.withoutConcatElement(new byte[0])).isEmpty();
    }

    @Test
    void mixedTextAndBinaryPartsBecomeMultipartWithNothingDropped() {
        Message p1 = part(6, 2, 1, false, "text part");
        Message p2 = part(6, 2, 2, false, "").withContent(new Content.Binary(new byte[0], new byte[] {1, 2}, 4),
                Optional.of(new Concat(6, 2, 2, false)));

        offer(p1);
        Message joined = offer(p2).orElseThrow();

        Content.Multipart mp = (Content.Multipart) joined.content();
        assertThat(mp.parts()).hasSize(2);
        assertThat(new String(mp.parts().get(0).bytes(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("text part");
        assertThat(mp.parts().get(1).bytes()).containsExactly(1, 2);
    }

    // ---- expiry ----

    @Test
    void missingPartExpiresAndTheOthersComeBackUnchangedInOrder() {
        List<Message> parts = parts(11, "p1", "p2", "p3", "p4");
        offer(parts.get(3));
        offer(parts.get(0));
        offer(parts.get(2)); // p2 never arrives

        assertThat(reassembler.expire()).as("before the timeout").isEmpty();
        clock.advance(TIMEOUT);
        assertThat(reassembler.expire()).as("exactly at the timeout").isEmpty();
        clock.advance(Duration.ofMillis(1));
        List<Message> expired = reassembler.expire();

        assertThat(expired).containsExactly(parts.get(0), parts.get(2), parts.get(3));
        assertThat(expired.get(0).concat()).contains(new Concat(11, 4, 1, false));
        assertThat(store.size()).isZero();
        assertThat(reassembler.expire()).as("handed out once").isEmpty();
    }

    @Test
    void timeoutRunsFromTheFirstPart() {
        List<Message> parts = parts(12, "a", "b", "c");
        offer(parts.get(0));
        clock.advance(TIMEOUT.minusSeconds(1));
        offer(parts.get(1));
        clock.advance(Duration.ofSeconds(2));

        assertThat(reassembler.expire()).containsExactly(parts.get(0), parts.get(1));
    }

    @Test
    void lastPartArrivingBeforeExpiryRunsStillCompletes() {
        List<Message> parts = parts(13, "a", "b");
        offer(parts.get(0));
        clock.advance(TIMEOUT.plusMinutes(1)); // overdue, but nobody called expire yet

        assertThat(text(offer(parts.get(1)).orElseThrow())).isEqualTo("ab");
        assertThat(reassembler.expire()).isEmpty();
    }

    @Test
    void expireHonoursItsLimit() {
        for (int ref = 0; ref < 5; ref++) {
            offer(part(ref, 2, 1, false, "r" + ref));
            clock.advance(Duration.ofSeconds(1));
        }
        clock.advance(TIMEOUT);

        assertThat(reassembler.expire(2)).extracting(ReassemblerTest::text).containsExactly("r0", "r1");
        assertThat(reassembler.moreToExpire()).as("a full batch: more may wait").isTrue();
        assertThat(reassembler.expire(10)).extracting(ReassemblerTest::text).containsExactly("r2", "r3", "r4");
        assertThat(reassembler.moreToExpire()).isFalse();
    }

    @Test
    void failedDeleteOnExpiryKeepsThePartsForTheNextRound() {
        Message p1 = part(14, 2, 1, false, "kept");
        offer(p1);
        clock.advance(TIMEOUT.plusSeconds(1));
        store.failNextDelete.set(true);

        assertThat(reassembler.expire()).isEmpty();
        assertThat(store.size()).isEqualTo(1);
        assertThat(reassembler.expire()).containsExactly(p1);
    }

    // ---- late duplicates ----

    /** The same part sent again by the SMSC: a new deliver_sm, so a new id and origin, the same content. */
    private static Message redelivered(Message m) {
        Concat c = m.concat().orElseThrow();
        return Message.builder()
                .id(new MessageId(1_000 + c.reference(), c.sequence()))
                .direction(Direction.MO)
                .origin(new Origin("smpp", "smsc-a", "node-1", "deliver_sm:again-" + c.sequence()))
                .source(m.source())
                .destination(m.destination())
                .receivedAt(T0)
                .content(m.content())
                .concat(m.concat())
                .attributes(m.attributes())
                .build();
    }

    private void complete(List<Message> parts) {
        List<Optional<Message>> results = offerAll(parts);
        assertThat(results.getLast()).as("completed").isPresent();
    }

    @Test
    void aLateDuplicateOfACompletedMessageIsDroppedAndCounted() {
        List<Message> parts = parts(30, "late ", "twice");
        complete(parts);
        clock.advance(Duration.ofMinutes(1));

        assertThat(offer(redelivered(parts.get(1)))).isEmpty();
        clock.advance(TIMEOUT.plusSeconds(1));

        assertThat(reassembler.expire()).as("not handed out as a lone part").isEmpty();
        assertThat(reassembler.lateDuplicates()).isEqualTo(1);
        assertThat(store.size()).isZero();
    }

    @Test
    void aCompletedMessageSentAgainWholeIsDropped() {
        List<Message> parts = parts(31, "all ", "again");
        complete(parts);
        clock.advance(Duration.ofMinutes(1));

        assertThat(offer(redelivered(parts.get(0)))).isEmpty();
        assertThat(offer(redelivered(parts.get(1)))).as("joins nothing").isEmpty();

        assertThat(reassembler.lateDuplicates()).isEqualTo(2);
        assertThat(store.size()).isZero();
        clock.advance(TIMEOUT.plusSeconds(1));
        assertThat(reassembler.expire()).isEmpty();
    }

    @Test
    void aNewMessageReusingTheReferenceAfterCompletionStillReassembles() {
        complete(parts(32, "first ", "message"));
        clock.advance(Duration.ofMinutes(1));

        List<Optional<Message>> results = offerAll(parts(32, "second ", "message"));

        assertThat(results.getLast().map(ReassemblerTest::text)).contains("second message");
        assertThat(reassembler.lateDuplicates()).isZero();
    }

    @Test
    void aNewMessageWithAPartLikeTheOldOneStillReassembles() {
        complete(parts(33, "same start, ", "old end"));
        clock.advance(Duration.ofMinutes(1));
        List<Message> next = parts(33, "same start, ", "new end");

        assertThat(offer(next.get(0))).as("looks like a late duplicate, kept for now").isEmpty();
        assertThat(offer(next.get(1)).map(ReassemblerTest::text)).contains("same start, new end");
        assertThat(reassembler.lateDuplicates()).isZero();
    }

    @Test
    void onExpiryOnlyTheLateDuplicatesAreDroppedAndANewMessagesPartsComeOut() {
        List<Message> old = parts(34, "old ", "two ", "three");
        complete(old);
        clock.advance(Duration.ofMinutes(1));
        Message newFirst = part(34, 3, 1, false, "new ");
        offer(newFirst); // its parts 2 and 3 never come
        offer(redelivered(old.get(2)));
        clock.advance(TIMEOUT.plusSeconds(1));

        assertThat(reassembler.expire()).containsExactly(newFirst);
        assertThat(reassembler.lateDuplicates()).isEqualTo(1);
    }

    @Test
    void aLateDuplicateThatCompletesANewMessageIsJoinedIntoIt() {
        // the limit of telling parts apart by content: with the reference reused within the timeout, a late part of
        // the old message fills the new message's gap (documented on the class)
        List<Message> old = parts(41, "old ", "two");
        complete(old);
        clock.advance(Duration.ofMinutes(1));
        offer(part(41, 2, 1, false, "new "));

        assertThat(offer(redelivered(old.get(1))).map(ReassemblerTest::text)).contains("new two");
    }

    @Test
    void aLateDuplicateAfterAHeldMessageWasReleasedIsDropped() {
        List<Message> parts = parts(35, "held ", "then late");
        reassembler.offerHeld(parts.get(0)).toCompletableFuture().join();
        reassembler.offerHeld(parts.get(1)).toCompletableFuture().join().orElseThrow().release()
                .toCompletableFuture().join();
        clock.advance(Duration.ofMinutes(1));

        assertThat(reassembler.offerHeld(redelivered(parts.get(0))).toCompletableFuture().join()).isEmpty();
        clock.advance(TIMEOUT.plusSeconds(1));

        assertThat(reassembler.expire()).isEmpty();
        assertThat(reassembler.lateDuplicates()).isEqualTo(1);
    }

    @Test
    void theCompletionIsRememberedInTheStoreAcrossARestart() {
        List<Message> parts = parts(36, "before ", "restart");
        complete(parts);

        Reassembler afterRestart = new Reassembler(store, TIMEOUT, clock);
        afterRestart.offer(redelivered(parts.get(1))).toCompletableFuture().join();
        clock.advance(TIMEOUT.plusSeconds(1));

        assertThat(afterRestart.expire()).isEmpty();
        assertThat(afterRestart.lateDuplicates()).isEqualTo(1);
    }

    @Test
    void aPartArrivingAfterTheTimeoutIsNoLongerADuplicate() {
        List<Message> parts = parts(37, "long ", "ago");
        complete(parts);
        clock.advance(TIMEOUT.plusSeconds(1));
        Message again = redelivered(parts.get(1));

        offer(again);
        clock.advance(TIMEOUT.plusSeconds(1));

        assertThat(reassembler.expire()).containsExactly(again);
        assertThat(reassembler.lateDuplicates()).isZero();
    }

    @Test
    void aMarkerThatCannotBeSavedDoesNotFailTheCompletion() {
        List<Message> parts = parts(42, "still ", "whole");
        offer(parts.get(0));
        // the completing offer deletes the parts, then saves the marker: that save fails
        store.failSaveAfterDelete.set(true);

        assertThat(offer(parts.get(1)).map(ReassemblerTest::text)).contains("still whole");
        assertThat(store.size()).isZero();
        assertThat(store.markers()).isZero();
    }

    @Test
    void theMemoryOfACompletionExpires() {
        complete(parts(38, "forgotten ", "soon"));
        assertThat(store.markers()).isEqualTo(1);

        clock.advance(TIMEOUT.multipliedBy(2));
        assertThat(reassembler.expire()).isEmpty();
        assertThat(store.markers()).as("at two timeouts").isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(reassembler.expire()).isEmpty();
        assertThat(store.markers()).isZero();
    }

    @Test
    void anExpiredMarkerWaitsForTheMessageInProgressUnderItsKey() {
        complete(parts(39, "old ", "one"));
        clock.advance(TIMEOUT.plusMinutes(1));
        Message newFirst = part(39, 2, 1, false, "new ");
        offer(newFirst);
        clock.advance(TIMEOUT.minusSeconds(30)); // the marker has expired, the new part not yet

        assertThat(reassembler.expire()).isEmpty();
        assertThat(store.size()).isEqualTo(1);
        assertThat(offer(part(39, 2, 2, false, "one")).map(ReassemblerTest::text)).contains("new one");
        assertThat(store.markers()).as("replaced by the new completion").isEqualTo(1);
    }

    @Test
    void aSecondCompletionReplacesTheMarker() {
        complete(parts(40, "a", "b", "c"));
        clock.advance(Duration.ofMinutes(1));
        complete(parts(40, "d", "e", "f"));
        clock.advance(Duration.ofMinutes(1));

        offer(redelivered(part(40, 3, 2, false, "b"))); // of the first message: no longer remembered
        offer(redelivered(part(40, 3, 1, false, "d"))); // of the second: a late duplicate
        clock.advance(TIMEOUT.plusSeconds(1));

        assertThat(reassembler.expire()).extracting(ReassemblerTest::text).containsExactly("b");
        assertThat(reassembler.lateDuplicates()).isEqualTo(1);
    }

    // ---- durability ----

    @Test
    void aNewReassemblerOverTheSameStoreCompletesTheMessage() {
        List<Message> parts = parts(15, "before ", "the ", "restart");
        offer(parts.get(0));
        offer(parts.get(2));

        Reassembler afterRestart = new Reassembler(store, TIMEOUT, clock);
        Message joined = afterRestart.offer(parts.get(1)).toCompletableFuture().join().orElseThrow();

        assertThat(text(joined)).isEqualTo("before the restart");
    }

    @Test
    void aHeldMessageKeepsItsFragmentsUntilReleased() {
        List<Message> parts = parts(16, "held ", "until ", "released");
        reassembler.offerHeld(parts.get(0)).toCompletableFuture().join();
        reassembler.offerHeld(parts.get(1)).toCompletableFuture().join();

        Reassembler.Held held = reassembler.offerHeld(parts.get(2)).toCompletableFuture().join().orElseThrow();

        assertThat(text(held.message())).isEqualTo("held until released");
        assertThat(store.size()).isEqualTo(3);
        held.release().toCompletableFuture().join();
        assertThat(store.size()).isZero();
    }

    @Test
    void aCrashBeforeTheReleaseJoinsTheSameMessageAgainFromTheRedeliveredLastPart() {
        List<Message> parts = parts(17, "never ", "lost");
        reassembler.offerHeld(parts.get(0)).toCompletableFuture().join();
        Message first = reassembler.offerHeld(parts.get(1)).toCompletableFuture().join().orElseThrow().message();
        // the node dies here: the joined message was not handed on, nothing released, the last offset not committed

        Reassembler afterRestart = new Reassembler(store, TIMEOUT, clock);
        Reassembler.Held again = afterRestart.offerHeld(parts.get(1)).toCompletableFuture().join().orElseThrow();

        assertThat(text(again.message())).isEqualTo("never lost");
        assertThat(again.message().id()).isEqualTo(first.id());
        again.release().toCompletableFuture().join();
        assertThat(store.size()).isZero();
    }

    @Test
    void aSinglePartIsHeldWithNothingToRelease() {
        Message single = part(18, 1, 1, false, "alone");

        Reassembler.Held held = reassembler.offerHeld(single).toCompletableFuture().join().orElseThrow();

        assertThat(held.message()).isSameAs(single);
        assertThat(held.release().toCompletableFuture().isDone()).isTrue();
        assertThat(store.size()).isZero();
    }

    @Test
    void aNewReassemblerOverTheSameStoreExpiresOldParts() {
        Message p1 = part(16, 2, 1, false, "orphan");
        offer(p1);
        clock.advance(TIMEOUT.plusSeconds(1));

        assertThat(new Reassembler(store, TIMEOUT, clock).expire()).containsExactly(p1);
    }

    @Test
    void failedSaveFailsTheStageAndARetrySucceeds() {
        List<Message> parts = parts(17, "x", "y");
        offer(parts.get(0));
        store.failNextSave.set(true);

        assertThatThrownBy(() -> offer(parts.get(1))).isInstanceOf(CompletionException.class)
                .hasRootCauseMessage("injected: save failed");
        assertThat(text(offer(parts.get(1)).orElseThrow())).isEqualTo("xy");
    }

    @Test
    void pipelinedOffersOverABatchingStoreCompleteExactlyOnce() {
        InMemoryFragmentStore batching = new InMemoryFragmentStore(true);
        Reassembler r = new Reassembler(batching, TIMEOUT, clock);
        List<Message> parts = parts(18, "a", "b", "c", "d");

        // offered without waiting, as a consumer loop that pipelines store writes would; the store then commits
        // whatever writes it has as one batch, so without ordering per key every offer would see all four parts
        var stages = parts.stream().map(r::offer).map(s -> s.toCompletableFuture()).toList();
        for (int i = 0; i < 100 && !stages.stream().allMatch(java.util.concurrent.CompletableFuture::isDone); i++) {
            batching.flush();
        }

        List<Message> joined = stages.stream().map(java.util.concurrent.CompletableFuture::join)
                .flatMap(Optional::stream).toList();
        assertThat(joined).hasSize(1);
        assertThat(text(joined.get(0))).isEqualTo("abcd");
        assertThat(batching.size()).isZero();
    }

    @Test
    void expiryWaitsForAnOfferInFlightOnTheSameKey() {
        InMemoryFragmentStore batching = new InMemoryFragmentStore(true);
        Reassembler r = new Reassembler(batching, TIMEOUT, clock);
        List<Message> parts = parts(19, "a", "b");
        var first = r.offer(parts.get(0)).toCompletableFuture();
        batching.flush();
        assertThat(first.join()).isEmpty();
        clock.advance(TIMEOUT.plusSeconds(1));

        var second = r.offer(parts.get(1)).toCompletableFuture(); // save pending, key overdue
        var expiry = java.util.concurrent.CompletableFuture.supplyAsync(r::expire);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    batching.flush();
                    return second.isDone() && expiry.isDone();
                });

        // the offer went first: it completed the message, and expiry then found nothing to give up
        assertThat(text(second.join().orElseThrow())).isEqualTo("ab");
        assertThat(expiry.join()).isEmpty();
    }

    @Test
    void zeroTimeoutIsRejected() {
        assertThatThrownBy(() -> new Reassembler(store, Duration.ZERO, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    }

    @Test
    void zeroExpireLimitIsRejected() {
        assertThatThrownBy(() -> reassembler.expire(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
    }
}
