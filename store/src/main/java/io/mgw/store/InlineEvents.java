package io.mgw.store;

import io.mgw.core.model.EventType;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageStatus;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The first, non-final events of a message (ACCEPTED, ROUTED), kept in the message's own row
 * ({@code messages.first_events}) instead of one {@code message_events} row each: two fewer rows and index entries
 * per message, which is what the store's single H2 writer spends its time on. Final events always go to
 * {@code message_events}, so a query for settled messages needs to look there only.
 *
 * <p>Format (version 1): byte version, int count, then per event: long seq, long epoch micros, and type, status,
 * connector and detail as UTF-8 strings each prefixed by its int length. Type and status are stored by name, so new
 * enum constants do not shift old data; a name this version does not know fails the read loudly.
 */
final class InlineEvents {

    private static final byte VERSION = 1;

    /** An event with its arrival sequence number, the tie-breaker among events of the same time. */
    record Sequenced(long seq, MessageEvent event) {
        static final Comparator<Sequenced> HISTORY_ORDER =
                Comparator.comparing((Sequenced s) -> s.event().at()).thenComparingLong(Sequenced::seq);
    }

    private InlineEvents() {}

    /**
     * Encodes the events, their times truncated to the microsecond.
     *
     * @throws ArithmeticException if an event's time is beyond what epoch microseconds in a long hold
     */
    static byte[] encode(List<Sequenced> events) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * events.size() + 8);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(events.size());
            for (Sequenced s : events) {
                MessageEvent e = s.event();
                Instant at = e.at().truncatedTo(ChronoUnit.MICROS); // as the events table keeps it
                out.writeLong(s.seq());
                out.writeLong(epochMicros(at));
                writeString(out, e.type().name());
                writeString(out, e.status().name());
                writeString(out, e.connector());
                writeString(out, e.detail());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * The instant in microseconds since the epoch, for every instant a long of them holds (about 292,000 years either
     * way): a time before the epoch counts from the second after it, so that the earliest does not overflow.
     *
     * @throws ArithmeticException if the instant is beyond that
     */
    private static long epochMicros(Instant at) {
        long seconds = at.getEpochSecond();
        long micros = at.getNano() / 1_000;
        if (seconds < 0 && micros > 0) {
            seconds++;
            micros -= 1_000_000L;
        }
        return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), micros);
    }

    /**
     * Decodes what {@link #encode} wrote; null or empty gives no events.
     *
     * @throws IllegalStateException if the bytes are not a version this code reads, are cut short, or hold a length
     *                               out of range or a type or status name this version does not know
     */
    static List<Sequenced> decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return List.of();
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("first_events: version " + version + " (expected: " + VERSION + ")");
            }
            int n = in.readInt();
            if (n < 0 || n > bytes.length) {
                throw new IllegalStateException("first_events: count " + n + " in " + bytes.length + " bytes");
            }
            List<Sequenced> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long seq = in.readLong();
                long micros = in.readLong();
                Instant at = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                        Math.floorMod(micros, 1_000_000L) * 1_000L);
                EventType type = name(EventType.class, readString(in, bytes.length));
                MessageStatus status = name(MessageStatus.class, readString(in, bytes.length));
                out.add(new Sequenced(seq, new MessageEvent(at, type, status, readString(in, bytes.length),
                        readString(in, bytes.length))));
            }
            return out;
        } catch (EOFException e) {
            throw new IllegalStateException("first_events: cut short", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The constant named {@code name}; one this version does not know is refused like any other bad bytes. */
    private static <E extends Enum<E>> E name(Class<E> type, String name) {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("first_events: unknown " + type.getSimpleName() + " '" + name + "'", e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in, int limit) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > limit) {
            throw new IllegalStateException("first_events: string length " + n);
        }
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new EOFException();
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
