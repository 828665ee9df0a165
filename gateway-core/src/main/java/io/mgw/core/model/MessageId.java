package io.mgw.core.model;

import java.math.BigInteger;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The gateway's own 128-bit message id: time-ordered and unique across sites and nodes.
 *
 * <pre>
 *  hi: | 48 bits: milliseconds since the Unix epoch | 16 bits: site id |
 *  lo: | 16 bits: node id | 48 bits: per-node sequence (wraps; seeded randomly at start) |
 * </pre>
 *
 * Sorting ids as unsigned (hi, lo) pairs sorts them by creation time. The canonical text form is 32 lower-case hex
 * digits; {@link #toDecimal()} gives the unsigned decimal form for peers that want digits only. An SMSC's id is never
 * reused as ours: remote ids are kept in the store's correlation table.
 */
public record MessageId(long hi, long lo) implements Comparable<MessageId> {

    private static final HexFormat HEX = HexFormat.of();

    /** Milliseconds since the epoch at which this id was made. */
    public long epochMillis() {
        return hi >>> 16;
    }

    public Instant timestamp() {
        return Instant.ofEpochMilli(epochMillis());
    }

    public int site() {
        return (int) (hi & 0xFFFF);
    }

    public int node() {
        return (int) (lo >>> 48);
    }

    /** 32 lower-case hex digits. */
    @Override
    public String toString() {
        return HEX.toHexDigits(hi) + HEX.toHexDigits(lo);
    }

    /** The id as an unsigned decimal number (up to 39 digits). */
    public String toDecimal() {
        return new BigInteger(1, toBytes()).toString();
    }

    public byte[] toBytes() {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }

    public static MessageId fromBytes(byte[] b) {
        if (b.length != 16) {
            throw new IllegalArgumentException("message id bytes: " + b.length + " (expected: 16)");
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (b[i] & 0xFF);
            lo = (lo << 8) | (b[8 + i] & 0xFF);
        }
        return new MessageId(hi, lo);
    }

    /**
     * Parses the hex form (32 digits, any case) or the decimal form.
     *
     * @throws IllegalArgumentException if the text is neither
     */
    public static MessageId parse(String text) {
        String s = text.strip();
        if (s.length() == 32 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return new MessageId(HexFormat.fromHexDigitsToLong(s, 0, 16), HexFormat.fromHexDigitsToLong(s, 16, 32));
        }
        if (!s.isEmpty() && s.length() <= 39 && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            BigInteger v = new BigInteger(s);
            if (v.bitLength() <= 128) {
                return new MessageId(v.shiftRight(64).longValue(), v.longValue());
            }
        }
        throw new IllegalArgumentException("not a message id: '" + text + "'");
    }

    /** Like {@link #parse} but empty for text that is not an id. */
    public static java.util.Optional<MessageId> tryParse(String text) {
        try {
            return java.util.Optional.of(parse(text));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public int compareTo(MessageId o) {
        int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }
}
