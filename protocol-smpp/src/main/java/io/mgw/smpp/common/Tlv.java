package io.mgw.smpp.common;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One optional parameter (SMPP 3.4 §3.2.4.1, §5.3): a 2-octet tag, a 2-octet length and the value octets.
 *
 * @param tag   the tag, 0..0xFFFF
 * @param value the value octets (length 0..0xFFFF)
 */
public record Tlv(int tag, byte[] value) {

    public static final int SAR_MSG_REF_NUM = 0x020C;
    public static final int SAR_TOTAL_SEGMENTS = 0x020E;
    public static final int SAR_SEGMENT_SEQNUM = 0x020F;
    public static final int RECEIPTED_MESSAGE_ID = 0x001E;
    public static final int MESSAGE_PAYLOAD = 0x0424;
    public static final int MESSAGE_STATE = 0x0427;
    public static final int NETWORK_ERROR_CODE = 0x0423;
    public static final int SC_INTERFACE_VERSION = 0x0210;

    public Tlv {
        if (tag < 0 || tag > 0xFFFF) {
            throw new IllegalArgumentException("tag: " + tag + " (expected: 0..0xFFFF)");
        }
        requireNonNull(value, "value");
        if (value.length > 0xFFFF) {
            throw new IllegalArgumentException("value length: " + value.length + " (expected: <= 65535)");
        }
    }

    public static Tlv ofByte(int tag, int v) {
        return new Tlv(tag, new byte[] {(byte) v});
    }

    /** A C-Octet String value: the text's ASCII octets followed by NUL. */
    public static Tlv ofCString(int tag, String text) {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        return new Tlv(tag, Arrays.copyOf(b, b.length + 1));
    }

    /** The value as an unsigned big-endian integer of 1, 2 or 4 octets. */
    public int intValue() {
        int v = 0;
        for (byte b : value) {
            v = (v << 8) | (b & 0xFF);
        }
        return v;
    }

    /** The value as a C-Octet String (up to the first NUL). */
    public String cStringValue() {
        int end = 0;
        while (end < value.length && value[end] != 0) {
            end++;
        }
        return new String(value, 0, end, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Attribute key used on canonical messages for a TLV kept verbatim: "smpp.tlv.&lt;4 hex digits&gt;". */
    public String attributeKey() {
        return String.format("smpp.tlv.%04x", tag);
    }

    public String hexValue() {
        return HexFormat.of().formatHex(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tlv t && t.tag == tag && Arrays.equals(t.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * tag + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return String.format("Tlv[0x%04X=%s]", tag, hexValue());
    }
}
