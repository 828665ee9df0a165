package io.mgw.core.text;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Objects;

/**
 * The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 §6.2.1 and §6.2.1.1, formerly GSM 03.38),
 * in unpacked form (one septet per octet, as ESMEs send it over SMPP with data_coding 0x00) and packed form
 * (8 septets in 7 octets, TS 23.038 §6.1.2.1.1). National language shift tables are not supported.
 *
 * <p>The tables are our own code: the JDK has no GSM charset and there is no well-kept Java library for it (the
 * cloudhopper charset module has not been released since 2015), and a lookup table is also the fastest way.
 *
 * <p>Extension characters are sent as the escape septet {@code 0x1B} followed by their code, so they count as two
 * septets towards every length limit.
 *
 * <h2>Packing</h2>
 * <pre>
 *  septets s0..s7 (7 bits each), fillBits = f
 *  octet 0: bits 0..f-1 = fill (0), bits f..7 = low bits of s0
 *  bit k of the packed stream (k = 8 * octet + bit, bit 0 = least significant) carries bit (k - f - 7 i) of s(i)
 *  "hellohello" with f = 0 -&gt; e8 32 9b fd 46 97 d9 ec 37
 * </pre>
 * Fill bits put the first septet on a septet boundary after a user data header (TS 23.040 §9.2.3.24): a 6-octet UDH
 * (48 bits) needs 1 fill bit, a 7-octet UDH (56 bits) none; see {@link #fillBits(int)}.
 *
 * <h2>The CR / @ padding ambiguity</h2>
 * When the packed septets leave exactly 7 spare bits in the last octet, a receiver that derives the septet count from
 * the octet count ({@code floor(bits / 7)}) sees one more septet than was sent. Zero padding would make that septet
 * {@code '@'} (0x00), which is also a legal character. TS 23.038 §6.1.2.3.1 therefore has the sender fill those 7
 * bits with CR (0x0D), and double a CR that really ends a message on an octet boundary. This class:
 * <ul>
 *   <li>{@link #pack} writes CR into 7 spare bits (it never adds the doubled CR; a caller that wants it appends it);</li>
 *   <li>{@link #unpack(byte[], int, int)} takes the septet count from the caller (TP-UDL), so it is never ambiguous;</li>
 *   <li>{@link #unpackAll(byte[], int)} derives the count from the length and drops a final CR that exactly fills the
 *       last octet (padding by the rule above), but keeps a final {@code '@'}: it cannot be told from a real one, so
 *       text from a sender that pads with zeros may end in a spurious {@code '@'}.</li>
 * </ul>
 */
public final class Gsm7 {

    /** The escape septet that announces an extension-table character. */
    public static final int ESC = 0x1B;

    /** Carriage return, used as the padding septet. */
    private static final int CR = 0x0D;

    /** Default table, indexed by septet. Slot 0x1B (escape) is never produced by the decoder. */
    private static final char[] DEFAULT = (
            "@£$¥èéùìòÇ\nØø\rÅå"
            + "Δ_ΦΓΛΩΠΨΣΘΞ\u00A0ÆæßÉ"
            + " !\"#¤%&'()*+,-./"
            + "0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNO"
            + "PQRSTUVWXYZÄÖÑÜ§"
            + "¿abcdefghijklmno"
            + "pqrstuvwxyzäöñüà").toCharArray();

    /** Extension table, indexed by the septet after ESC; 0 = no character. */
    private static final char[] EXTENSION = new char[128];

    /**
     * Reverse lookup for chars below {@link #LOOKUP_SIZE}: -1 = not encodable, 0..0x7F = default table septet,
     * {@link #EXT_FLAG} | code = extension table. The euro sign (U+20AC) is the only character above and is handled
     * apart, which keeps the table at 2 KiB.
     */
    private static final short[] LOOKUP;

    private static final int LOOKUP_SIZE = 0x400;
    private static final int EXT_FLAG = 0x100;
    private static final char EURO = '\u20AC';
    private static final int EURO_CODE = 0x65;

    static {
        if (DEFAULT.length != 128) {
            throw new AssertionError("default table: " + DEFAULT.length + " (expected: 128)");
        }
        EXTENSION[0x0A] = '\f';
        EXTENSION[0x14] = '^';
        EXTENSION[0x28] = '{';
        EXTENSION[0x29] = '}';
        EXTENSION[0x2F] = '\\';
        EXTENSION[0x3C] = '[';
        EXTENSION[0x3D] = '~';
        EXTENSION[0x3E] = ']';
        EXTENSION[0x40] = '|';
        EXTENSION[EURO_CODE] = EURO;

        LOOKUP = new short[LOOKUP_SIZE];
        Arrays.fill(LOOKUP, (short) -1);
        for (int code = 0; code < 128; code++) {
            if (code != ESC) {
                LOOKUP[DEFAULT[code]] = (short) code;
            }
        }
        for (int code = 0; code < 128; code++) {
            char c = EXTENSION[code];
            if (c != 0 && c < LOOKUP_SIZE) {
                LOOKUP[c] = (short) (EXT_FLAG | code);
            }
        }
    }

    private Gsm7() {}

    /** Returns -1, a default-table septet, or EXT_FLAG | extension code. */
    private static int lookup(char c) {
        if (c < LOOKUP_SIZE) {
            return LOOKUP[c];
        }
        return c == EURO ? EXT_FLAG | EURO_CODE : -1;
    }

    /**
     * Whether {@code c} is in the default or the extension table.
     *
     * @param c a UTF-16 code unit
     * @return true when {@link #encode} accepts it
     */
    public static boolean canEncode(char c) {
        return lookup(c) >= 0;
    }

    /**
     * Whether every character of {@code s} is in the default or the extension table (an empty string is).
     *
     * @param s the text
     * @return true when {@link #encode} would succeed
     */
    public static boolean canEncode(CharSequence s) {
        requireNonNull(s, "s");
        for (int i = 0, n = s.length(); i < n; i++) {
            if (lookup(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Septets one character takes: 1 for the default table, 2 for the extension table.
     *
     * @param c a character
     * @return 1 or 2
     * @throws IllegalArgumentException if {@code c} is in neither table
     */
    public static int septetLength(char c) {
        int code = lookup(c);
        if (code < 0) {
            throw new IllegalArgumentException("character U+" + String.format("%04X", (int) c)
                    + " is not in the GSM 7-bit default or extension table");
        }
        return code >= EXT_FLAG ? 2 : 1;
    }

    /**
     * Number of septets {@code s} encodes to: 1 per default-table character, 2 per extension character.
     *
     * @param s the text
     * @return the septet count (also the octet count of the unpacked form)
     * @throws IllegalArgumentException naming the first character in neither table and its index
     */
    public static int septetLength(CharSequence s) {
        requireNonNull(s, "s");
        int septets = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            int code = lookup(s.charAt(i));
            if (code < 0) {
                throw new IllegalArgumentException(unencodable(s.charAt(i), i));
            }
            septets += code >= EXT_FLAG ? 2 : 1;
        }
        return septets;
    }

    /**
     * Encodes {@code s} unpacked: one septet per octet (values 0x00..0x7F), extension characters as
     * {@code 0x1B, code}.
     *
     * @param s the text
     * @return a new array of {@link #septetLength(CharSequence)} octets
     * @throws IllegalArgumentException naming the first character in neither table and its index
     */
    public static byte[] encode(CharSequence s) {
        byte[] out = new byte[septetLength(s)];
        int j = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            int code = lookup(s.charAt(i));
            if (code >= EXT_FLAG) {
                out[j++] = ESC;
                out[j++] = (byte) (code & 0x7F);
            } else {
                out[j++] = (byte) code;
            }
        }
        return out;
    }

    /**
     * Decodes unpacked septets (one per octet). Tolerant, following TS 23.038 §6.2.1.1:
     * <ul>
     *   <li>ESC followed by a code the extension table does not define decodes as the default-table character of
     *       that code (the ESC itself shows nothing);</li>
     *   <li>ESC ESC (reserved for a further extension table) decodes as a space;</li>
     *   <li>a lone ESC at the end is dropped;</li>
     *   <li>an octet above 0x7F is not a septet and decodes as U+FFFD, as the JDK charsets do for bad input.</li>
     * </ul>
     *
     * @param septets unpacked septets
     * @return the text
     */
    public static String decode(byte[] septets) {
        requireNonNull(septets, "septets");
        return decode(septets, 0, septets.length);
    }

    /**
     * Decodes {@code length} unpacked septets starting at {@code offset}; see {@link #decode(byte[])}.
     *
     * @param septets unpacked septets
     * @param offset  first septet
     * @param length  number of septets
     * @return the text
     * @throws IndexOutOfBoundsException if the range is outside the array
     */
    public static String decode(byte[] septets, int offset, int length) {
        requireNonNull(septets, "septets");
        Objects.checkFromIndexSize(offset, length, septets.length);
        char[] out = new char[length];
        int j = 0;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            int s = septets[i] & 0xFF;
            if (s > 0x7F) {
                out[j++] = '\uFFFD';
            } else if (s != ESC) {
                out[j++] = DEFAULT[s];
            } else if (i + 1 < end) {
                int code = septets[++i] & 0xFF;
                if (code > 0x7F) {
                    out[j++] = '\uFFFD';
                } else if (code == ESC) {
                    out[j++] = ' ';
                } else {
                    char c = EXTENSION[code];
                    out[j++] = c != 0 ? c : DEFAULT[code];
                }
            }
        }
        return new String(out, 0, j);
    }

    /**
     * Fill bits needed after a user data header of {@code udhOctets} octets (including the UDHL octet) so that the
     * first packed septet starts on a septet boundary (TS 23.040 §9.2.3.24).
     *
     * @param udhOctets the UDH length in octets, 0 when there is no UDH
     * @return 0..6
     */
    public static int fillBits(int udhOctets) {
        if (udhOctets < 0) {
            throw new IllegalArgumentException("udhOctets: " + udhOctets + " (expected: >= 0)");
        }
        return (7 - (udhOctets * 8) % 7) % 7;
    }

    /**
     * Length in octets of {@code septets} packed septets after {@code fillBits} fill bits.
     *
     * @param septets  the septet count, 0 or more
     * @param fillBits 0..6
     * @return octets; 0 when there are no septets
     */
    public static int packedLength(int septets, int fillBits) {
        checkFillBits(fillBits);
        if (septets < 0) {
            throw new IllegalArgumentException("septets: " + septets + " (expected: >= 0)");
        }
        return septets == 0 ? 0 : (fillBits + 7 * septets + 7) >>> 3;
    }

    /**
     * Packs unpacked septets 8 into 7 octets, least significant bit first, after {@code fillBits} zero fill bits
     * (TS 23.038 §6.1.2.1.1). If exactly 7 bits of the last octet are spare they carry CR (see the class comment).
     *
     * @param septets  unpacked septets, each 0x00..0x7F
     * @param fillBits 0..6 leading fill bits
     * @return a new array of {@link #packedLength(int, int)} octets
     * @throws IllegalArgumentException if a septet is above 0x7F or fillBits is out of range
     */
    public static byte[] pack(byte[] septets, int fillBits) {
        requireNonNull(septets, "septets");
        byte[] out = new byte[packedLength(septets.length, fillBits)];
        pack(septets, 0, septets.length, fillBits, out, 0);
        return out;
    }

    /**
     * Packs {@code length} septets from {@code septets[offset..]} into {@code out[outOffset..]}, like
     * {@link #pack(byte[], int)} but without allocating (e.g. straight after a UDH already written to {@code out}).
     *
     * @param septets   unpacked septets, each 0x00..0x7F
     * @param offset    first septet
     * @param length    number of septets
     * @param fillBits  0..6 leading fill bits
     * @param out       target; {@link #packedLength(int, int)} octets from {@code outOffset} are overwritten
     * @param outOffset first target octet
     * @return the number of octets written
     * @throws IllegalArgumentException  if a septet is above 0x7F or fillBits is out of range
     * @throws IndexOutOfBoundsException if a range is outside its array
     */
    public static int pack(byte[] septets, int offset, int length, int fillBits, byte[] out, int outOffset) {
        requireNonNull(septets, "septets");
        requireNonNull(out, "out");
        Objects.checkFromIndexSize(offset, length, septets.length);
        int octets = packedLength(length, fillBits);
        Objects.checkFromIndexSize(outOffset, octets, out.length);
        Arrays.fill(out, outOffset, outOffset + octets, (byte) 0);
        int bitPos = fillBits;
        for (int i = 0; i < length; i++) {
            int s = septets[offset + i];
            if ((s & 0x80) != 0) {
                throw new IllegalArgumentException("septets[" + (offset + i) + "]: 0x" + Integer.toHexString(s & 0xFF)
                        + " (expected: <= 0x7f)");
            }
            int index = outOffset + (bitPos >>> 3);
            int shift = bitPos & 7;
            out[index] |= (byte) (s << shift);
            if (shift > 1) {
                out[index + 1] |= (byte) (s >>> (8 - shift));
            }
            bitPos += 7;
        }
        if (length > 0 && octets * 8 - bitPos == 7) {
            out[outOffset + octets - 1] |= (byte) (CR << 1);
        }
        return octets;
    }

    /**
     * Unpacks {@code septetCount} septets from packed octets that start with {@code fillBits} fill bits.
     *
     * @param packed      packed octets
     * @param septetCount how many septets to take (e.g. TP-UDL minus the UDH septets)
     * @param fillBits    0..6
     * @return a new array of {@code septetCount} septets, one per octet
     * @throws IllegalArgumentException if {@code packed} is too short for the count or an argument is out of range
     */
    public static byte[] unpack(byte[] packed, int septetCount, int fillBits) {
        requireNonNull(packed, "packed");
        int needed = packedLength(septetCount, fillBits);
        if (packed.length < needed) {
            throw new IllegalArgumentException("packed: " + packed.length + " octets (expected: >= " + needed
                    + " for " + septetCount + " septets after " + fillBits + " fill bits)");
        }
        byte[] out = new byte[septetCount];
        int bitPos = fillBits;
        for (int i = 0; i < septetCount; i++) {
            int index = bitPos >>> 3;
            int shift = bitPos & 7;
            int v = (packed[index] & 0xFF) >>> shift;
            if (shift > 1) {
                v |= (packed[index + 1] & 0xFF) << (8 - shift);
            }
            out[i] = (byte) (v & 0x7F);
            bitPos += 7;
        }
        return out;
    }

    /**
     * Unpacks every whole septet of {@code packed} after {@code fillBits} fill bits, for receivers that only know the
     * octet length. A final CR that exactly fills the last octet is padding and dropped; a final {@code '@'} is kept
     * (see the class comment).
     *
     * @param packed   packed octets
     * @param fillBits 0..6
     * @return a new array of unpacked septets
     */
    public static byte[] unpackAll(byte[] packed, int fillBits) {
        requireNonNull(packed, "packed");
        checkFillBits(fillBits);
        int bits = packed.length * 8 - fillBits;
        if (bits <= 0) {
            return new byte[0];
        }
        int count = bits / 7;
        byte[] out = unpack(packed, count, fillBits);
        if (count > 0 && bits % 7 == 0 && out[count - 1] == CR) {
            return Arrays.copyOf(out, count - 1);
        }
        return out;
    }

    private static void checkFillBits(int fillBits) {
        if (fillBits < 0 || fillBits > 6) {
            throw new IllegalArgumentException("fillBits: " + fillBits + " (expected: 0..6)");
        }
    }

    private static String unencodable(char c, int index) {
        return "character U+" + String.format("%04X", (int) c) + " at index " + index
                + " is not in the GSM 7-bit default or extension table";
    }
}
