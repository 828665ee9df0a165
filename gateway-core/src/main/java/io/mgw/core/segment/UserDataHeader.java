package io.mgw.core.segment;

import static java.util.Objects.requireNonNull;

import io.mgw.core.model.Concat;
import io.mgw.core.text.Gsm7;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A user data header (3GPP TS 23.040 §9.2.3.24): a length octet (UDHL) then information elements.
 * <pre>
 *  +------+-----+-----+--------+-----+-----+--------+----
 *  | UDHL | IEI | IEL | data.. | IEI | IEL | data.. | user data (text or octets)
 *  +------+-----+-----+--------+-----+-----+--------+----
 *  concatenation, 8-bit ref:  05 00 03 ref total seq
 *  concatenation, 16-bit ref: 06 08 04 refHi refLo total seq
 * </pre>
 *
 * <p>Arrays are not copied: neither the producer nor the consumer may modify them.
 *
 * @param raw      the header as sent, UDHL octet included
 * @param elements the information elements in order
 */
public record UserDataHeader(byte[] raw, List<InformationElement> elements) {

    /** IEI of the concatenation element with an 8-bit reference. */
    public static final int IEI_CONCAT_8 = 0x00;
    /** IEI of the concatenation element with a 16-bit reference. */
    public static final int IEI_CONCAT_16 = 0x08;

    public UserDataHeader {
        requireNonNull(raw, "raw");
        elements = List.copyOf(elements);
    }

    /**
     * One information element.
     *
     * @param iei  the identifier, 0..255
     * @param data the element's data (without IEI and length), at most 255 octets
     */
    public record InformationElement(int iei, byte[] data) {

        public InformationElement {
            requireNonNull(data, "data");
            if (iei < 0 || iei > 0xFF) {
                throw new IllegalArgumentException("iei: " + iei + " (expected: 0..255)");
            }
            if (data.length > 0xFF) {
                throw new IllegalArgumentException("data: " + data.length + " octets (expected: <= 255)");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof InformationElement e && iei == e.iei && Arrays.equals(data, e.data);
        }

        @Override
        public int hashCode() {
            return 31 * iei + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "IE[0x" + Integer.toHexString(iei) + ": " + HexFormat.of().formatHex(data) + "]";
        }
    }

    /**
     * Parses the UDH at the start of {@code shortMessage} (the message must have been sent with UDHI set).
     *
     * @param shortMessage the user data, starting with UDHL
     * @return the header; {@link #length()} tells where the user data starts
     * @throws IllegalArgumentException if the message is empty, shorter than UDHL says, or an element runs past the
     *                                  header
     */
    public static UserDataHeader parse(byte[] shortMessage) {
        requireNonNull(shortMessage, "shortMessage");
        if (shortMessage.length == 0) {
            throw new IllegalArgumentException("shortMessage: empty (expected: a UDHL octet)");
        }
        int udhl = shortMessage[0] & 0xFF;
        int end = 1 + udhl;
        if (end > shortMessage.length) {
            throw new IllegalArgumentException("UDHL: " + udhl + " (expected: <= " + (shortMessage.length - 1)
                    + ", the octets after it)");
        }
        List<InformationElement> elements = new ArrayList<>(2);
        int pos = 1;
        while (pos < end) {
            if (pos + 2 > end) {
                throw new IllegalArgumentException("information element at offset " + pos
                        + ": truncated header (expected: IEI and length within UDHL " + udhl + ")");
            }
            int iei = shortMessage[pos] & 0xFF;
            int length = shortMessage[pos + 1] & 0xFF;
            if (pos + 2 + length > end) {
                throw new IllegalArgumentException("information element 0x" + Integer.toHexString(iei) + " at offset "
                        + pos + ": length " + length + " (expected: <= " + (end - pos - 2) + ", within UDHL " + udhl
                        + ")");
            }
            elements.add(new InformationElement(iei, Arrays.copyOfRange(shortMessage, pos + 2, pos + 2 + length)));
            pos += 2 + length;
        }
        return new UserDataHeader(Arrays.copyOf(shortMessage, end), elements);
    }

    /**
     * Length of the header in octets, UDHL octet included; the user data starts at this offset.
     *
     * @return {@code raw().length}
     */
    public int length() {
        return raw.length;
    }

    /**
     * Fill bits between this header and packed GSM 7-bit user data (TS 23.040 §9.2.3.24).
     *
     * @return 0..6
     */
    public int gsm7FillBits() {
        return Gsm7.fillBits(raw.length);
    }

    /**
     * The first well-formed concatenation element (IEI 0x00 with 3 octets or IEI 0x08 with 4). Elements with a wrong
     * length, a total of 0, a sequence of 0 or a sequence above the total are ignored, as TS 23.040 §9.2.3.24.1 lets a
     * receiver do.
     *
     * @return the concatenation info, or empty when there is none
     */
    public Optional<Concat> concat() {
        for (InformationElement e : elements) {
            byte[] d = e.data();
            int reference;
            int total;
            int sequence;
            boolean wide;
            if (e.iei() == IEI_CONCAT_8 && d.length == 3) {
                reference = d[0] & 0xFF;
                total = d[1] & 0xFF;
                sequence = d[2] & 0xFF;
                wide = false;
            } else if (e.iei() == IEI_CONCAT_16 && d.length == 4) {
                reference = ((d[0] & 0xFF) << 8) | (d[1] & 0xFF);
                total = d[2] & 0xFF;
                sequence = d[3] & 0xFF;
                wide = true;
            } else {
                continue;
            }
            if (total == 0 || sequence == 0 || sequence > total) {
                continue;
            }
            return Optional.of(new Concat(reference, total, sequence, wide));
        }
        return Optional.empty();
    }

    /**
     * A whole UDH holding one concatenation element with an 8-bit reference: {@code 05 00 03 ref total seq}.
     *
     * @param ref   0..255
     * @param total 1..255
     * @param seq   1..total
     * @return a new 6-octet array
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static byte[] concat8(int ref, int total, int seq) {
        byte[] out = new byte[CONCAT8_LENGTH];
        writeConcat8(out, ref, total, seq);
        return out;
    }

    /**
     * A whole UDH holding one concatenation element with a 16-bit reference: {@code 06 08 04 refHi refLo total seq}.
     *
     * @param ref   0..65535
     * @param total 1..255
     * @param seq   1..total
     * @return a new 7-octet array
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static byte[] concat16(int ref, int total, int seq) {
        byte[] out = new byte[CONCAT16_LENGTH];
        writeConcat16(out, ref, total, seq);
        return out;
    }

    /** Octets of an 8-bit-reference concatenation UDH, UDHL included. */
    static final int CONCAT8_LENGTH = 6;
    /** Octets of a 16-bit-reference concatenation UDH, UDHL included. */
    static final int CONCAT16_LENGTH = 7;

    static void writeConcat8(byte[] out, int ref, int total, int seq) {
        checkConcat(ref, 0xFF, total, seq);
        out[0] = 5;
        out[1] = IEI_CONCAT_8;
        out[2] = 3;
        out[3] = (byte) ref;
        out[4] = (byte) total;
        out[5] = (byte) seq;
    }

    static void writeConcat16(byte[] out, int ref, int total, int seq) {
        checkConcat(ref, 0xFFFF, total, seq);
        out[0] = 6;
        out[1] = IEI_CONCAT_16;
        out[2] = 4;
        out[3] = (byte) (ref >>> 8);
        out[4] = (byte) ref;
        out[5] = (byte) total;
        out[6] = (byte) seq;
    }

    private static void checkConcat(int ref, int maxRef, int total, int seq) {
        if (ref < 0 || ref > maxRef) {
            throw new IllegalArgumentException("ref: " + ref + " (expected: 0.." + maxRef + ")");
        }
        if (total < 1 || total > 255) {
            throw new IllegalArgumentException("total: " + total + " (expected: 1..255)");
        }
        if (seq < 1 || seq > total) {
            throw new IllegalArgumentException("seq: " + seq + " (expected: 1.." + total + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserDataHeader u && Arrays.equals(raw, u.raw) && elements.equals(u.elements);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "UserDataHeader[" + HexFormat.of().formatHex(raw) + ", " + elements + "]";
    }
}
