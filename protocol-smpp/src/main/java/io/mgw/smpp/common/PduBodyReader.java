package io.mgw.smpp.common;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict cursor over one PDU's body (the octets after the 16-octet header). Every read checks the bounds, so a
 * truncated or lying PDU ends in a {@link SmppDecodeException} carrying the status to answer with, never in an
 * index error on a library thread (jSMPP's own decomposer throws ArrayIndexOutOfBoundsException there).
 */
public final class PduBodyReader {

    private final byte[] pdu;
    private int pos;
    private final int end;

    /**
     * @param pdu    the whole PDU including the header
     * @param offset where the body starts (16 for a whole PDU)
     */
    public PduBodyReader(byte[] pdu, int offset) {
        this.pdu = pdu;
        this.pos = offset;
        this.end = pdu.length;
    }

    /** Offset of the next octet within the PDU. */
    public int position() {
        return pos;
    }

    public int remaining() {
        return end - pos;
    }

    public boolean hasRemaining() {
        return pos < end;
    }

    /** Reads one unsigned octet; a missing octet is a truncated body (ESME_RINVCMDLEN). */
    public int u8(String field) throws SmppDecodeException {
        if (pos >= end) {
            throw truncated(field);
        }
        return pdu[pos++] & 0xFF;
    }

    public int u16(String field) throws SmppDecodeException {
        if (end - pos < 2) {
            throw truncated(field);
        }
        int v = ((pdu[pos] & 0xFF) << 8) | (pdu[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    public int u32(String field) throws SmppDecodeException {
        if (end - pos < 4) {
            throw truncated(field);
        }
        int v = ((pdu[pos] & 0xFF) << 24) | ((pdu[pos + 1] & 0xFF) << 16) | ((pdu[pos + 2] & 0xFF) << 8)
                | (pdu[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    /**
     * Reads a C-Octet String of at most {@code max} octets including the NUL (SMPP 3.4 §3.1).
     *
     * @param tooLongStatus the status for a string that has no NUL within {@code max} octets
     */
    public String cString(String field, int max, int tooLongStatus) throws SmppDecodeException {
        int i = pos;
        int limit = Math.min(end, pos + max);
        while (i < limit && pdu[i] != 0) {
            i++;
        }
        if (i >= limit) {
            if (limit == end && end - pos < max) {
                throw truncated(field);
            }
            throw new SmppDecodeException(tooLongStatus, field + ": longer than " + (max - 1) + " octets");
        }
        String s = new String(pdu, pos, i - pos, StandardCharsets.ISO_8859_1);
        pos = i + 1;
        return s;
    }

    /** Reads {@code n} octets; fewer left is {@code shortStatus}. */
    public byte[] octets(String field, int n, int shortStatus) throws SmppDecodeException {
        if (end - pos < n) {
            throw new SmppDecodeException(shortStatus, field + ": " + n + " octets declared, " + (end - pos) + " left");
        }
        byte[] b = new byte[n];
        System.arraycopy(pdu, pos, b, 0, n);
        pos += n;
        return b;
    }

    /** Reads the TLVs that fill the rest of the body (SMPP 3.4 §3.2.4.1). */
    public List<Tlv> tlvs() throws SmppDecodeException {
        if (!hasRemaining()) {
            return List.of();
        }
        List<Tlv> out = new ArrayList<>(2);
        while (hasRemaining()) {
            if (end - pos < 4) {
                throw new SmppDecodeException(SmppStatus.ESME_RINVTLVSTREAM, "TLV header truncated");
            }
            int tag = ((pdu[pos] & 0xFF) << 8) | (pdu[pos + 1] & 0xFF);
            int len = ((pdu[pos + 2] & 0xFF) << 8) | (pdu[pos + 3] & 0xFF);
            pos += 4;
            if (end - pos < len) {
                throw new SmppDecodeException(SmppStatus.ESME_RINVTLVLEN,
                        String.format("TLV 0x%04X: length %d, %d octets left", tag, len, end - pos));
            }
            byte[] v = new byte[len];
            System.arraycopy(pdu, pos, v, 0, len);
            pos += len;
            out.add(new Tlv(tag, v));
        }
        return out;
    }

    private static SmppDecodeException truncated(String field) {
        return new SmppDecodeException(SmppStatus.ESME_RINVCMDLEN, "body ends before " + field);
    }
}
