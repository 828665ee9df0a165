package io.mgw.smpp.common;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builds one PDU: header, then body fields in order; {@link #toBytes()} fills in command_length. */
public final class PduWriter {

    private final ByteArrayOutputStream out;

    public PduWriter(int commandId, int status, int sequence) {
        this(commandId, status, sequence, 64);
    }

    public PduWriter(int commandId, int status, int sequence, int sizeHint) {
        out = new ByteArrayOutputStream(Math.max(16, sizeHint));
        u32(0);
        u32(commandId);
        u32(status);
        u32(sequence);
    }

    public PduWriter u8(int v) {
        out.write(v);
        return this;
    }

    public PduWriter u16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    public PduWriter u32(int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    /** A C-Octet String: the text's octets (ISO-8859-1, SMPP strings are ASCII) and a NUL. */
    public PduWriter cString(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        out.write(0);
        return this;
    }

    public PduWriter octets(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    public PduWriter tlv(Tlv t) {
        u16(t.tag());
        u16(t.value().length);
        out.writeBytes(t.value());
        return this;
    }

    public PduWriter tlvs(List<Tlv> ts) {
        for (Tlv t : ts) {
            tlv(t);
        }
        return this;
    }

    public byte[] toBytes() {
        byte[] b = out.toByteArray();
        int len = b.length;
        b[0] = (byte) (len >>> 24);
        b[1] = (byte) (len >>> 16);
        b[2] = (byte) (len >>> 8);
        b[3] = (byte) len;
        return b;
    }

    /** A header-only PDU (negative responses, enquire_link_resp, generic_nack...). */
    public static byte[] header(int commandId, int status, int sequence) {
        return new PduWriter(commandId, status, sequence, 16).toBytes();
    }
}
