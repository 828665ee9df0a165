package io.mgw.core.reassembly;

import static java.util.Objects.requireNonNull;

import io.mgw.core.log.LimitedLog;
import io.mgw.core.model.Concat;
import io.mgw.core.model.Content;
import io.mgw.core.model.Message;
import io.mgw.core.store.Fragment;
import io.mgw.core.store.Store;
import io.mgw.core.text.DataCoding;
import io.mgw.core.wire.WireFormat;
import io.mgw.core.wire.WireFormatException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the parts of a concatenated mobile-originated message (3GPP TS 23.040 §9.2.3.24.1 UDH IEI 0x00/0x08, or
 * SMPP 3.4 §5.3.2.22-24 SAR TLVs, as the adapter put them into {@link Message#concat()}) back into one message
 * (ARCHITECTURE.md §5, "MO reassembly").
 *
 * <p><b>State lives only in the {@link Store}</b> (fragments, encoded with {@link WireFormat}), so partial messages
 * survive a node restart, and a part that reaches another node completes the message there as long as that node
 * reads the same store. The caller keys the Kafka ingress topic by destination, so all parts of one message meet on
 * one partition, hence on one consumer at a time.
 *
 * <p><b>Key</b>: {@code origin.account} (the connector for MO), source, destination, reference, total and the
 * reference width. An 8-bit and a 16-bit reference with the same value never mix, nor do two messages with the same
 * reference but a different part count. Keys longer than {@value #MAX_PLAIN_KEY} characters (e-mail addresses) are
 * replaced by a SHA-256 digest so they fit any store column.
 *
 * <p><b>The joined message</b> takes everything from part 1 (the part with sequence 1): its id, kind, origin,
 * addresses, times, priority and report request. Part 1 is chosen rather than the first to arrive so that the id
 * does not depend on network order, and a redelivered set of parts joins to the same id (duplicate suppression
 * downstream keys on it). Its content is:
 * <ul>
 *   <li>all parts text: {@link Content.Text} with the texts joined in sequence order; also when some parts are UCS-2
 *       octets kept as {@link Content.Binary} because the sender cut a surrogate pair at their edge
 *       ({@link DataCoding#cutsSurrogatePair}): all parts are then joined as UTF-16 and decoded once, so the
 *       character comes out whole;</li>
 *   <li>all parts binary: {@link Content.Binary} with the data joined in sequence order, part 1's data_coding, and
 *       part 1's UDH without its concatenation element (empty when nothing else was in it, e.g. keeps a port
 *       addressing element);</li>
 *   <li>anything else (mixed text and binary, or multipart): {@link Content.Multipart} with one part per piece, in
 *       order, so nothing is dropped.</li>
 * </ul>
 * Its {@code concat()} is empty and its attributes are part 1's plus {@value #PARTS_ATTRIBUTE} = total.
 *
 * <p><b>Failure behaviour.</b> A failed store write fails the returned stage (the caller retries the part; nothing
 * is committed). A fragment whose stored bytes cannot be decoded is logged at ERROR and treated as missing. With
 * {@link #offer}, a node dying after the fragments were deleted but before the caller handed the joined message on
 * loses the parts whose Kafka offsets were already committed; {@link #offerHeld} closes that window by deleting only
 * when the caller says the message is handed on.
 *
 * <p><b>Late duplicates.</b> An SMSC that lost a deliver_sm_resp sends the part again, possibly after its message was
 * completed (and Kafka may redeliver a part too). When a message's fragments are deleted, a <em>completion
 * marker</em> takes their place under the same key: a fragment with sequence 0 that holds a digest of each part's
 * content, expiring {@code 2 x timeout} after the completion. A part is a <em>late duplicate</em> when it arrives
 * within one timeout of the completion (its fragment expires no later than the marker) and its content digest equals
 * the completed part's with the same sequence. The key already holds source, destination, reference, total and
 * reference width, so the content is what tells a redelivery from a new message that reuses the reference (8-bit
 * references wrap at 256): a new message differs in at least one part. Late duplicates are stored like any part, so a
 * new message whose part happens to equal the old one still completes (with identical content, nothing is mixed);
 * what differs is how they end: a set made only of late duplicates is dropped when it completes (the SMSC redelivered
 * the whole message), and {@link #expire()} drops late duplicates instead of handing them out. Dropped parts are
 * counted in {@link #lateDuplicates()}. A new message that repeats the old one exactly, under the same reference,
 * within the timeout, is taken for a redelivery and dropped. Limit: with the reference reused within one timeout, a
 * late duplicate that meets a new message in progress under the key is taken for that message's part of the same
 * sequence (whichever of the two came first keeps its place), so the new message may join with the old part's
 * content. The marker stays until it expires and no part is in progress under its key (the next completion replaces
 * it), so memory is bounded by the messages completed in the last {@code 2 x timeout}.
 *
 * <p><b>A reference reused before the old message completed</b> (one of its parts lost, and the sender's 8-bit
 * reference wrapped within the timeout): a part arrives for a sequence already held, with other content, and is not
 * a late duplicate of the last completed message. The parts held are the old message's: they are moved to a key of
 * their own that is already due, so the next {@link #expire()} hands them out as they are, and the new part starts
 * the new message (counted in {@link #referenceReused()}). Before this, the new message's part was dropped as a
 * duplicate and the old message completed with the new one's later parts: one message lost, another mixed. The same
 * happens when a late duplicate was held first and the new message's own part of that sequence follows: nothing is
 * lost, but the new message comes out in parts, with the late duplicate among them.
 *
 * <p>Thread-safe. Offers and expiry for the same key run one after the other (chained on the previous stage),
 * never interleaved, so two concurrent offers cannot both complete a message.
 */
public final class Reassembler {

    /** Attribute of a joined message: the number of parts it was made of, in decimal. */
    public static final String PARTS_ATTRIBUTE = "mo.parts";

    /** How many expired keys one {@link #expire()} call handles at most. */
    public static final int DEFAULT_EXPIRE_BATCH = 1_000;

    static final int MAX_PLAIN_KEY = 200;

    private static final Logger log = LoggerFactory.getLogger(Reassembler.class);
    // once per concatenated MO while the store fails: ten lines a minute each
    private final LimitedLog markerSaveLog = LimitedLog.warn(log);
    private final LimitedLog deleteLog = LimitedLog.warn(log);
    private final LimitedLog unreadableLog = LimitedLog.error(log);
    private static final byte[] NO_BYTES = new byte[0];
    private static final int IEI_CONCAT_8BIT = 0x00;
    private static final int IEI_CONCAT_16BIT = 0x08;
    /** The sequence of a completion marker; parts are numbered from 1. */
    static final int MARKER_SEQUENCE = 0;
    /** Octets of a part's content digest kept in a completion marker (a truncated SHA-256: not a security check). */
    static final int DIGEST_OCTETS = 16;

    private final Store store;
    private final Duration timeout;
    private final InstantSource clock;
    /** The last queued operation per key; an entry exists only while an operation on the key is in flight. */
    private final ConcurrentHashMap<String, CompletableFuture<?>> tails = new ConcurrentHashMap<>();
    private final LongAdder lateDuplicates = new LongAdder();
    private final LongAdder referenceReused = new LongAdder();
    private final LongAdder unreadableFragments = new LongAdder();
    private final AtomicLong supersededSeq = new AtomicLong();
    /** Whether the last {@link #expire(int)} took as many keys as it was allowed. */
    private volatile boolean moreToExpire;

    /**
     * @param store   where fragments are kept
     * @param timeout how long after its first part arrived an incomplete message is given up (see {@link #expire()})
     * @param clock   the time source for fragment expiry
     */
    public Reassembler(Store store, Duration timeout, InstantSource clock) {
        this.store = requireNonNull(store, "store");
        this.timeout = requireNonNull(timeout, "timeout");
        this.clock = requireNonNull(clock, "clock");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
    }

    /**
     * Takes one part. A message without {@code concat()}, or with a total of 1, completes at once with itself,
     * unchanged. Otherwise the part is stored; the stage completes with the joined message when this part made the
     * set complete (the fragments are deleted first), and with empty when parts are still missing. Parts may come in
     * any order; a duplicate (same sequence, same content) is ignored. A part of a sequence already held with other
     * content means the reference was reused for a new message before the old one completed: the old parts are
     * given up at once (the next {@link #expire()} hands them out as they are) and this part starts the new message.
     * A part that comes again after its message was completed is stored too, and dropped later (see "Late duplicates"
     * in the class comment).
     *
     * @return completes once the part is durable in the store; fails if the store write fails
     */
    public CompletionStage<Optional<Message>> offer(Message part) {
        return offer(part, true).thenApply(held -> held.map(Held::message));
    }

    /**
     * A whole message whose fragments are still in the store: the caller hands {@link #message()} on (durably) and
     * only then calls {@link #release()}, so a crash in between leaves the fragments, and the redelivered last part
     * joins the same message again (a duplicate, never a loss).
     */
    public static final class Held {
        private final Message message;
        private final Supplier<CompletionStage<Void>> release;

        private Held(Message message, Supplier<CompletionStage<Void>> release) {
            this.message = message;
            this.release = release;
        }

        /** The joined message (or the single part itself). */
        public Message message() {
            return message;
        }

        /** Deletes the message's fragments; completes once that is durable (at once for a single part). */
        public CompletionStage<Void> release() {
            return release.get();
        }
    }

    /**
     * As {@link #offer}, but a completed message keeps its fragments until the caller {@linkplain Held#release()
     * releases} them after handing it on: the way to use this without the crash window described above. Until the
     * release, a part offered again (a duplicate) completes the same message a second time, and an expiry that
     * comes due hands its parts out too: duplicates, never a loss.
     *
     * @return completes once the part is durable in the store; fails if the store write fails
     */
    public CompletionStage<Optional<Held>> offerHeld(Message part) {
        return offer(part, false);
    }

    private CompletionStage<Optional<Held>> offer(Message part, boolean deleteAtOnce) {
        requireNonNull(part, "part");
        Optional<Concat> concat = part.concat();
        if (concat.isEmpty() || concat.get().total() == 1) {
            return CompletableFuture.completedFuture(Optional.of(new Held(part,
                    () -> CompletableFuture.completedFuture(null))));
        }
        Concat c = concat.get();
        String key = key(part, c);
        Fragment fragment = new Fragment(key, c.sequence(), c.total(), WireFormat.encodeMessage(part),
                clock.instant().plus(timeout));
        return serialized(key, () -> {
            Stored found = Stored.of(store.fragments(key));
            Optional<Fragment> same = found.parts().stream().filter(f -> f.sequence() == c.sequence()).findFirst();
            if (same.isPresent() && !sameContent(same.get(), part) && !isLateDuplicate(fragment, found.marker())) {
                // the reference was reused for a new message before the old one completed: the old parts are given up
                // now (as expiry would), and this part starts the new message
                return supersede(key, found).thenCompose(v -> storeAndJoin(part, c, key, fragment,
                        new Stored(List.of(), found.marker()), false, deleteAtOnce));
            }
            return storeAndJoin(part, c, key, fragment, found, same.isPresent(), deleteAtOnce);
        });
    }

    /** Stores the part (unless {@code known}: a duplicate sequence) and joins the message if it is now complete. */
    private CompletionStage<Optional<Held>> storeAndJoin(Message part, Concat c, String key, Fragment fragment,
            Stored before, boolean known, boolean deleteAtOnce) {
        // a duplicate sequence replaces nothing in the store: no write needed
        CompletionStage<Void> saved = known ? CompletableFuture.completedFuture(null) : store.saveFragment(fragment);
        return saved.thenCompose(done -> {
            List<Fragment> parts = new ArrayList<>(before.parts());
            if (!known) {
                parts.add(fragment);
            }
            TreeMap<Integer, Message> bySequence = decodeParts(key, parts);
            if (bySequence.size() < c.total()) {
                return CompletableFuture.completedFuture(Optional.<Held>empty());
            }
            if (before.marker().isPresent() && parts.stream().allMatch(f -> isLateDuplicate(f, before.marker()))) {
                // the SMSC sent the whole completed message again: drop it, keep remembering the completion
                log.info("MO reassembly: {} parts of {} came again after it was completed; dropped", parts.size(),
                        key);
                return forget(key, before.marker()).thenApply(v -> {
                    lateDuplicates.add(parts.size());
                    return Optional.<Held>empty();
                });
            }
            Message joined = join(new ArrayList<>(bySequence.values()), c.total());
            Fragment marker = marker(key, c.total(), bySequence);
            if (deleteAtOnce) {
                // within this serialised operation, so an expiry queued behind it finds nothing left to give up
                return forget(key, Optional.of(marker)).thenApply(v -> Optional.of(new Held(joined,
                        () -> CompletableFuture.completedFuture(null))));
            }
            // the delete is serialised with the key's other operations, so a part offered meanwhile is stored first
            return CompletableFuture.completedFuture(Optional.of(new Held(joined,
                    () -> serialized(key, () -> forget(key, Optional.of(marker))))));
        });
    }

    /**
     * Moves the parts of an unfinished message to a key of their own that is due at once, so that the next
     * {@link #expire()} hands them out as expiry does (nothing lost), and clears them from {@code key}, keeping its
     * completion marker. Copies first, then deletes: a crash in between hands the old parts out twice, never loses
     * them.
     */
    private CompletionStage<Void> supersede(String key, Stored old) {
        log.info("MO reassembly: reference of {} reused before its {} parts completed; they are handed out as they are",
                key, old.parts().size());
        String moved = key + "#superseded-" + clock.instant().toEpochMilli() + "-" + supersededSeq.incrementAndGet();
        Instant due = clock.instant().minusMillis(1); // already due: the next expiry takes them
        CompletionStage<Void> copied = CompletableFuture.completedFuture(null);
        for (Fragment f : old.parts()) {
            Fragment copy = new Fragment(moved, f.sequence(), f.total(), f.payload(), due);
            copied = copied.thenCompose(v -> store.saveFragment(copy));
        }
        return copied.thenCompose(v -> forget(key, old.marker()))
                .thenRun(() -> referenceReused.add(old.parts().size()));
    }

    /** Whether a stored part has the same content as {@code part} (an undecodable one counts as the same). */
    private static boolean sameContent(Fragment stored, Message part) {
        try {
            return Arrays.equals(contentDigest(WireFormat.decodeMessage(stored.payload())), contentDigest(part));
        } catch (RuntimeException e) {
            return true;
        }
    }

    /**
     * Parts of unfinished messages given up early because a new message reused their reference (a part of the same
     * sequence with other content arrived); handed out by the next {@link #expire()} like expired parts. The caller
     * exports it as a metric (e.g. {@code gateway.routing.mo.reference.reused}).
     */
    public long referenceReused() {
        return referenceReused.sum();
    }

    /**
     * Parts counted so far that came again after their message was completed (within the timeout) and were dropped
     * rather than handed on; the caller exports it as a metric (e.g. {@code gateway.routing.mo.duplicate}).
     */
    public long lateDuplicates() {
        return lateDuplicates.sum();
    }

    /**
     * Stored fragments that could not be decoded and were treated as missing; the caller exports it as a metric (e.g.
     * {@code gateway.routing.mo.fragment.unreadable}).
     */
    public long unreadableFragments() {
        return unreadableFragments.sum();
    }

    /**
     * Gives up incomplete messages whose first part arrived more than the timeout ago, at most
     * {@value #DEFAULT_EXPIRE_BATCH} of them; see {@link #expire(int)}.
     */
    public List<Message> expire() {
        return expire(DEFAULT_EXPIRE_BATCH);
    }

    /**
     * Gives up at most {@code limit} incomplete messages whose first part arrived more than the timeout ago: returns
     * the parts that did arrive, each unchanged (still with its {@code concat()}), in sequence order per message, and
     * deletes them from the store. The caller delivers them as they are, so nothing is lost, and counts them in a
     * metric (e.g. {@code gateway.mo.reassembly.expired}); the returned list size is the count of parts. Late
     * duplicates of a completed message are not returned but counted in {@link #lateDuplicates()}; completion markers
     * that have expired are deleted too.
     *
     * <p>Blocks until the deletes are durable: call it from a scheduler thread, never from a network thread. If a
     * delete fails, that message's parts are not returned (they stay in the store and come back on a later call),
     * so a part is never handed out twice by a healthy store.
     */
    public List<Message> expire(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
        Instant now = clock.instant();
        List<CompletableFuture<List<Message>>> work = new ArrayList<>();
        moreToExpire = false; // until the store answered: a failing store is not asked again at once
        List<String> keys = store.expiredFragmentKeys(now, limit);
        moreToExpire = keys.size() >= limit;
        for (String key : keys) {
            work.add(serialized(key, () -> expireKey(key, now)));
        }
        List<Message> parts = new ArrayList<>();
        for (CompletableFuture<List<Message>> w : work) {
            parts.addAll(w.join()); // expireKey never fails: it logs and returns empty instead
        }
        return parts;
    }

    /**
     * Whether the last {@link #expire(int)} call took as many expired keys as its limit allowed, so more may be
     * waiting: the caller should call again soon rather than after its usual period (completion markers of a busy MO
     * stream expire at the rate completions came in, which can be far more than one batch per period).
     */
    public boolean moreToExpire() {
        return moreToExpire;
    }

    // ---- internals ----

    /** What a key holds: the parts of a message in progress, and the marker of the last completion, if any. */
    private record Stored(List<Fragment> parts, Optional<Fragment> marker) {
        static Stored of(List<Fragment> fragments) {
            List<Fragment> parts = new ArrayList<>(fragments.size());
            Optional<Fragment> marker = Optional.empty();
            for (Fragment f : fragments) {
                if (f.sequence() == MARKER_SEQUENCE) {
                    marker = Optional.of(f);
                } else {
                    parts.add(f);
                }
            }
            return new Stored(parts, marker);
        }
    }

    /**
     * A completion marker: the content digest of each part in sequence order, expiring two timeouts from now so that
     * it outlives every part that arrives within one timeout of the completion (see {@link #isLateDuplicate}).
     */
    private Fragment marker(String key, int total, TreeMap<Integer, Message> bySequence) {
        byte[] digests = new byte[total * DIGEST_OCTETS];
        bySequence.forEach((sequence, m) -> System.arraycopy(contentDigest(m), 0, digests,
                (sequence - 1) * DIGEST_OCTETS, DIGEST_OCTETS));
        return new Fragment(key, MARKER_SEQUENCE, total, digests, clock.instant().plus(timeout.multipliedBy(2)));
    }

    /**
     * Whether a stored part came within one timeout of the completion the marker remembers (it was stored at
     * {@code expiresAt - timeout}, the completion was at {@code marker.expiresAt - 2 x timeout}) with the content of
     * the completed part of the same sequence.
     */
    private static boolean isLateDuplicate(Fragment part, Optional<Fragment> marker) {
        if (marker.isEmpty() || part.expiresAt().isAfter(marker.get().expiresAt())) {
            return false;
        }
        byte[] digests = marker.get().payload();
        int from = (part.sequence() - 1) * DIGEST_OCTETS;
        if (from < 0 || from + DIGEST_OCTETS > digests.length) {
            return false;
        }
        try {
            return Arrays.equals(contentDigest(WireFormat.decodeMessage(part.payload())), 0, DIGEST_OCTETS, digests,
                    from, from + DIGEST_OCTETS);
        } catch (WireFormatException e) {
            return false; // decodeParts logs it
        }
    }

    /**
     * Deletes a key's parts and old marker, then stores {@code marker} (if any) in their place. Fails only if the
     * delete fails: once the parts are gone, failing would make the caller retry a part that then starts anew (a
     * loss), so a marker that cannot be saved is only logged (its late duplicates are handed out as before).
     */
    private CompletionStage<Void> forget(String key, Optional<Fragment> marker) {
        CompletionStage<Void> deleted = store.deleteFragments(key);
        if (marker.isEmpty()) {
            return deleted;
        }
        return deleted.thenCompose(v -> store.saveFragment(marker.get()).exceptionally(error -> {
            markerSaveLog.log("MO reassembly: could not save the completion marker of {}; late duplicates will be"
                    + " handed out", key, error);
            return null;
        }));
    }

    private CompletionStage<List<Message>> expireKey(String key, Instant now) {
        Stored stored = Stored.of(store.fragments(key));
        Optional<Instant> oldest = stored.parts().stream().map(Fragment::expiresAt).min(Comparator.naturalOrder());
        if (oldest.isEmpty()) {
            if (stored.marker().isEmpty() || !stored.marker().get().expiresAt().isBefore(now)) {
                return CompletableFuture.completedFuture(List.of());
            }
            return store.deleteFragments(key).handle((done, error) -> {
                if (error != null) {
                    deleteLog.log("MO reassembly: could not delete the completion marker of {}; will retry", key,
                            error);
                }
                return List.of();
            });
        }
        if (!oldest.get().isBefore(now)) {
            // completed, or completed and begun anew, since the store listed the key; or only its marker expired
            // while a new message is in progress: the marker goes when that message completes or expires
            return CompletableFuture.completedFuture(List.of());
        }
        List<Fragment> given = new ArrayList<>();
        int duplicates = 0;
        for (Fragment f : stored.parts()) {
            if (isLateDuplicate(f, stored.marker())) {
                duplicates++;
            } else {
                given.add(f);
            }
        }
        List<Message> parts = new ArrayList<>(decodeParts(key, given).values());
        Optional<Fragment> keep = stored.marker().filter(m -> !m.expiresAt().isBefore(now));
        int dropped = duplicates;
        return forget(key, keep).handle((done, error) -> {
            if (error != null) {
                deleteLog.log("MO reassembly: could not delete expired fragments of {}; will retry", key, error);
                return List.of();
            }
            if (dropped > 0) {
                log.info("MO reassembly: {} parts of {} came again after it was completed; dropped", dropped, key);
                lateDuplicates.add(dropped);
            }
            return parts;
        });
    }

    /** SHA-256 of a part's content, truncated to {@value #DIGEST_OCTETS} octets. */
    static byte[] contentDigest(Message m) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
        switch (m.content()) {
            case Content.Text t -> {
                sha.update((byte) 'T');
                sha.update(t.text().getBytes(StandardCharsets.UTF_8));
            }
            case Content.Binary b -> {
                sha.update((byte) 'B');
                sha.update((byte) b.dataCoding());
                lengthPrefixed(sha, b.udh());
                lengthPrefixed(sha, b.data());
            }
            case Content.Multipart mp -> {
                sha.update((byte) 'M');
                lengthPrefixed(sha, mp.subject().getBytes(StandardCharsets.UTF_8));
                for (Content.Part p : mp.parts()) {
                    lengthPrefixed(sha, p.contentType().getBytes(StandardCharsets.UTF_8));
                    lengthPrefixed(sha, p.contentId().getBytes(StandardCharsets.UTF_8));
                    lengthPrefixed(sha, p.bytes());
                }
            }
        }
        return Arrays.copyOf(sha.digest(), DIGEST_OCTETS);
    }

    private static void lengthPrefixed(MessageDigest sha, byte[] bytes) {
        int n = bytes.length;
        sha.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        sha.update(bytes);
    }

    /** Decodes fragments into parts keyed by sequence; undecodable or out-of-range ones are logged and skipped. */
    private TreeMap<Integer, Message> decodeParts(String key, List<Fragment> fragments) {
        TreeMap<Integer, Message> bySequence = new TreeMap<>();
        for (Fragment f : fragments) {
            try {
                Message m = WireFormat.decodeMessage(f.payload());
                int sequence = m.concat().map(Concat::sequence).orElse(f.sequence());
                bySequence.putIfAbsent(sequence, m);
            } catch (WireFormatException e) {
                unreadableFragments.increment();
                unreadableLog.log("MO reassembly: fragment {} of {} is unreadable; treating it as missing",
                        f.sequence(), key, e);
            }
        }
        return bySequence;
    }

    /** Joins a complete set of parts, sorted by sequence, part 1 first. */
    static Message join(List<Message> parts, int total) {
        Message first = parts.get(0);
        Content content;
        if (parts.stream().allMatch(p -> p.content() instanceof Content.Text)) {
            StringBuilder text = new StringBuilder();
            for (Message p : parts) {
                text.append(((Content.Text) p.content()).text());
            }
            content = new Content.Text(text.toString());
        } else if (parts.stream().allMatch(p -> p.content() instanceof Content.Text || isUcs2(p.content()))) {
            // some parts kept as UCS-2 octets because a surrogate pair was cut at their edge: joined as octets first
            ByteArrayOutputStream ucs2 = new ByteArrayOutputStream();
            for (Message p : parts) {
                ucs2.writeBytes(p.content() instanceof Content.Text t ? t.text().getBytes(StandardCharsets.UTF_16BE)
                        : ((Content.Binary) p.content()).data());
            }
            content = new Content.Text(DataCoding.decode(ucs2.toByteArray(), 0x08));
        } else if (parts.stream().allMatch(p -> p.content() instanceof Content.Binary)) {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            for (Message p : parts) {
                data.writeBytes(((Content.Binary) p.content()).data());
            }
            Content.Binary b = (Content.Binary) first.content();
            content = new Content.Binary(withoutConcatElement(b.udh()), data.toByteArray(), b.dataCoding());
        } else {
            content = asMultipart(parts);
        }
        Map<String, String> attributes = new HashMap<>(first.attributes());
        attributes.put(PARTS_ATTRIBUTE, Integer.toString(total));
        return first.withContent(content, Optional.empty()).withAttributes(attributes);
    }

    /** UCS-2 text kept as octets (see {@link DataCoding#cutsSurrogatePair}). */
    private static boolean isUcs2(Content c) {
        return c instanceof Content.Binary b && DataCoding.isUcs2Octets(b.data(), b.dataCoding());
    }

    private static Content.Multipart asMultipart(List<Message> parts) {
        String subject = "";
        List<Content.Part> pieces = new ArrayList<>();
        for (Message p : parts) {
            int sequence = p.concat().map(Concat::sequence).orElse(0);
            switch (p.content()) {
                case Content.Text t -> pieces.add(new Content.Part("text/plain; charset=utf-8", "part-" + sequence,
                        t.text().getBytes(StandardCharsets.UTF_8)));
                case Content.Binary b -> pieces.add(new Content.Part("application/octet-stream", "part-" + sequence,
                        b.data()));
                case Content.Multipart mp -> {
                    if (subject.isEmpty()) {
                        subject = mp.subject();
                    }
                    pieces.addAll(mp.parts());
                }
            }
        }
        return new Content.Multipart(subject, pieces);
    }

    /**
     * A UDH (length octet first, then information elements: IEI, length, data) without its concatenation
     * elements (3GPP TS 23.040 §9.2.3.24: IEI 0x00 with a 8-bit and 0x08 with a 16-bit reference). Returns an empty
     * array when no other element remains, or when the UDH is malformed (its concatenation data is in
     * {@link Message#concat()} anyway).
     */
    static byte[] withoutConcatElement(byte[] udh) {
        if (udh.length == 0) {
            return udh;
        }
        int udhl = udh[0] & 0xFF;
        if (udhl + 1 != udh.length) {
            return NO_BYTES;
        }
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        int i = 1;
        while (i < udh.length) {
            if (i + 1 >= udh.length) {
                return NO_BYTES;
            }
            int iei = udh[i] & 0xFF;
            int length = udh[i + 1] & 0xFF;
            if (i + 2 + length > udh.length) {
                return NO_BYTES;
            }
            if (iei != IEI_CONCAT_8BIT && iei != IEI_CONCAT_16BIT) {
                kept.write(udh, i, 2 + length);
            }
            i += 2 + length;
        }
        if (kept.size() == 0) {
            return NO_BYTES;
        }
        byte[] out = new byte[kept.size() + 1];
        out[0] = (byte) kept.size();
        System.arraycopy(kept.toByteArray(), 0, out, 1, kept.size());
        return out;
    }

    /** The store key of the message this part belongs to. */
    static String key(Message part, Concat c) {
        String plain = "mo|" + escape(part.origin().account()) + '|' + escape(part.source().value()) + '|'
                + escape(part.destination().value()) + '|' + c.reference() + '|' + c.total() + '|'
                + (c.wide() ? "16" : "8");
        if (plain.length() <= MAX_PLAIN_KEY) {
            return plain;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(plain.getBytes(StandardCharsets.UTF_8));
            return "mo#" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|");
    }

    /** Runs {@code action} after every earlier operation on {@code key} finished (successfully or not). */
    private <T> CompletableFuture<T> serialized(String key, Supplier<CompletionStage<T>> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<?> previous = tails.put(key, result);
        CompletableFuture<?> start = previous == null ? CompletableFuture.completedFuture(null) : previous;
        start.handle((ignored, error) -> null)
                .thenCompose(ignored -> action.get())
                .whenComplete((value, error) -> {
                    tails.remove(key, result);
                    if (error != null) {
                        result.completeExceptionally(error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error);
                    } else {
                        result.complete(value);
                    }
                });
        return result;
    }
}
