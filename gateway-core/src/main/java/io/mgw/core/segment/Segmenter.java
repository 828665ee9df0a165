package io.mgw.core.segment;

import static java.util.Objects.requireNonNull;

import io.mgw.core.model.Content;
import io.mgw.core.text.DataCoding;
import io.mgw.core.text.Gsm7;
import io.mgw.core.text.SmsEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Encodes and splits message content into SMS-sized {@link Segment}s (3GPP TS 23.040 §9.2.3.24.1, PROTOCOLS.md
 * §1.9).
 *
 * <p>Limits, in septets for GSM 7-bit (whether or not it is sent packed), UTF-16 code units for UCS-2 and octets for
 * 8-bit text (ASCII, Latin-1) and binary:
 * <pre>
 *                          GSM7   UCS2   8-bit
 *  one part, no header      160     70     140
 *  UDH8 (6-octet UDH)       153     67     134
 *  UDH16 (7-octet UDH)      152     66     133
 *  SAR                      152     66     133   the SMSC adds the UDH and may use a 16-bit reference
 *  PAYLOAD (count only)     153     67     134   the SMSC splits; counted as with UDH8
 * </pre>
 * A GSM 7-bit escape pair and a UTF-16 surrogate pair are never cut; parts are filled greedily, so a part may hold one
 * septet or code unit fewer than the limit.
 *
 * <p>Packed GSM 7-bit: a part other than the last that would end with CR exactly on an octet boundary is cut one
 * septet earlier, so that a receiver that derives the septet count from the octet count (an SMSC reading sm_length)
 * does not take that CR for padding (TS 23.038 §6.1.2.3.1). A message whose <em>last</em> part ends that way is sent
 * as it is (the spec's remedy, a second CR, would change the text), and such a receiver may drop that final CR.
 *
 * <p>Allocation: the text is encoded once; each part is one new array (the single-part case reuses the encoded array).
 */
public final class Segmenter {

    private static final int SINGLE_GSM7 = 160;
    private static final byte CR = 0x0D;
    private static final int SINGLE_OCTETS = 140;
    /** message_payload has a 2-octet length. */
    private static final int MAX_PAYLOAD = 0xFFFF;

    private Segmenter() {}

    /**
     * Encodes and splits {@code content}.
     *
     * <ul>
     *   <li>{@link Content.Text}: encoded with {@link DataCoding#choose}; one segment without header when it fits in
     *       one SMS, else parts with a concatenation UDH (UDH8, UDH16) or SAR info (SAR). GSM 7-bit is packed when
     *       {@link SegmentationPolicy#packGsm7()}, with fill bits after the UDH.</li>
     *   <li>{@link Content.Binary} with a UDH: one segment, UDH then data, as the sender built it (at most 140
     *       octets).</li>
     *   <li>{@link Content.Binary} without a UDH: one segment when at most 140 octets, else parts as for text.</li>
     *   <li>{@link SegmentationMode#PAYLOAD}: always one segment with {@code payloadTlv}, whose sequence and total are
     *       1; use {@link #count} for the number of SMS the SMSC will make of it.</li>
     * </ul>
     *
     * @param content   text or binary
     * @param policy    the connector's policy
     * @param reference the concatenation / SAR reference, 0..65535; UDH8 uses its low 8 bits
     * @return the segments in order, at least one
     * @throws IllegalArgumentException for multipart content, text a chosen encoding cannot carry (a lone surrogate),
     *                                  more segments than {@link SegmentationPolicy#maxSegments()}, a binary with UDH
     *                                  over 140 octets, a payload over 65535 octets, or a reference out of range
     */
    public static List<Segment> split(Content content, SegmentationPolicy policy, int reference) {
        requireNonNull(content, "content");
        requireNonNull(policy, "policy");
        if (reference < 0 || reference > 0xFFFF) {
            throw new IllegalArgumentException("reference: " + reference + " (expected: 0..65535)");
        }
        return switch (content) {
            case Content.Text text -> splitText(text.text(), policy, reference);
            case Content.Binary binary -> splitBinary(binary, policy, reference);
            case Content.Multipart multipart -> throw multipart();
        };
    }

    /**
     * How many SMS {@code content} needs under {@code policy}, without building them. Equals
     * {@code split(content, policy, ref).size()} except in {@link SegmentationMode#PAYLOAD}, where it is the number of
     * SMS the SMSC will make of the single payload PDU (for rate limits and billing). It does not check
     * {@link SegmentationPolicy#maxSegments()}.
     *
     * @param content text or binary
     * @param policy  the connector's policy
     * @return 1 or more
     * @throws IllegalArgumentException for the same content {@link #split} rejects, except for too many segments
     */
    public static int count(Content content, SegmentationPolicy policy) {
        requireNonNull(content, "content");
        requireNonNull(policy, "policy");
        return switch (content) {
            case Content.Text text -> countText(text.text(), policy);
            case Content.Binary binary -> countBinary(binary, policy);
            case Content.Multipart multipart -> throw multipart();
        };
    }

    // ---- limits, in octets of the unpacked encoding (GSM7: septets; UCS2: 2 per code unit) ----

    private static int singleLimit(SmsEncoding encoding) {
        return encoding == SmsEncoding.GSM7 ? SINGLE_GSM7 : SINGLE_OCTETS;
    }

    private static int partLimit(SmsEncoding encoding, SegmentationMode mode) {
        boolean narrow = mode == SegmentationMode.UDH8 || mode == SegmentationMode.PAYLOAD;
        return switch (encoding) {
            case GSM7 -> narrow ? 153 : 152;
            case UCS2 -> narrow ? 134 : 132;
            default -> narrow ? 134 : 133;
        };
    }

    // ---- text ----

    private static List<Segment> splitText(String text, SegmentationPolicy policy, int reference) {
        SmsEncoding encoding = DataCoding.choose(text, policy.encoding());
        byte[] encoded = DataCoding.encode(text, encoding);
        int dataCoding = DataCoding.dataCodingFor(encoding);
        boolean pack = encoding == SmsEncoding.GSM7 && policy.packGsm7();
        SegmentationMode mode = policy.mode();
        if (mode == SegmentationMode.PAYLOAD) {
            int smsCount = encoded.length <= singleLimit(encoding)
                    ? 1 : countCuts(encoded, encoding, partLimit(encoding, mode), -1);
            checkMax(smsCount, policy);
            byte[] body = pack ? Gsm7.pack(encoded, 0) : encoded;
            checkPayload(body.length);
            return List.of(new Segment(1, 1, body, false, dataCoding, Optional.empty(), true));
        }
        if (encoded.length <= singleLimit(encoding)) {
            byte[] body = pack ? Gsm7.pack(encoded, 0) : encoded;
            return List.of(new Segment(1, 1, body, false, dataCoding, Optional.empty(), false));
        }
        return splitParts(encoded, encoding, pack, dataCoding, policy, reference);
    }

    private static int countText(String text, SegmentationPolicy policy) {
        SmsEncoding encoding = DataCoding.choose(text, policy.encoding());
        int limit = partLimit(encoding, policy.mode());
        int n = text.length();
        return switch (encoding) {
            case GSM7 -> {
                // the same greedy cuts as cut(), walked over characters instead of encoded septets
                int crFill = policy.packGsm7() && policy.mode() != SegmentationMode.PAYLOAD
                        ? Gsm7.fillBits(udhLength(policy.mode())) : -1;
                int size = 0;
                int parts = 1;
                int used = 0;
                char last = 0;
                for (int i = 0; i < n; i++) {
                    char c = text.charAt(i);
                    int cost = Gsm7.septetLength(c);
                    size += cost;
                    if (used + cost > limit) {
                        parts++;
                        used = crFill >= 0 && last == '\r' && endsOnOctet(used, crFill) ? 1 : 0;
                    }
                    used += cost;
                    last = c;
                }
                checkPayloadSize(policy, policy.packGsm7() ? Gsm7.packedLength(size, 0) : size);
                yield size <= SINGLE_GSM7 ? 1 : parts;
            }
            case UCS2 -> {
                checkSurrogates(text);
                checkPayloadSize(policy, 2 * n);
                if (2 * n <= SINGLE_OCTETS) {
                    yield 1;
                }
                int parts = 1;
                int used = 0;
                for (int i = 0; i < n; i++) {
                    int cost = Character.isHighSurrogate(text.charAt(i)) ? 4 : 2;
                    if (used + cost > limit) {
                        parts++;
                        used = 0;
                    }
                    used += cost;
                    i += cost / 2 - 1;
                }
                yield parts;
            }
            default -> {
                checkPayloadSize(policy, n);
                yield n <= SINGLE_OCTETS ? 1 : ceilDiv(n, limit);
            }
        };
    }

    // ---- binary ----

    private static List<Segment> splitBinary(Content.Binary binary, SegmentationPolicy policy, int reference) {
        byte[] udh = binary.udh();
        byte[] data = binary.data();
        boolean payload = policy.mode() == SegmentationMode.PAYLOAD;
        if (udh.length > 0) {
            checkUdhBinary(udh.length + data.length);
            byte[] body = new byte[udh.length + data.length];
            System.arraycopy(udh, 0, body, 0, udh.length);
            System.arraycopy(data, 0, body, udh.length, data.length);
            return List.of(new Segment(1, 1, body, true, binary.dataCoding(), Optional.empty(), payload));
        }
        if (payload) {
            checkMax(countBinary(binary, policy), policy);
            checkPayload(data.length);
            return List.of(new Segment(1, 1, data, false, binary.dataCoding(), Optional.empty(), true));
        }
        if (data.length <= SINGLE_OCTETS) {
            return List.of(new Segment(1, 1, data, false, binary.dataCoding(), Optional.empty(), false));
        }
        return splitParts(data, SmsEncoding.BINARY, false, binary.dataCoding(), policy, reference);
    }

    private static int countBinary(Content.Binary binary, SegmentationPolicy policy) {
        int udh = binary.udh().length;
        int n = binary.data().length;
        if (udh > 0) {
            checkUdhBinary(udh + n);
            return 1;
        }
        checkPayloadSize(policy, n);
        return n <= SINGLE_OCTETS ? 1 : ceilDiv(n, partLimit(SmsEncoding.BINARY, policy.mode()));
    }

    // ---- common ----

    /** Splits {@code encoded} (longer than one SMS) for UDH8, UDH16 or SAR. */
    private static List<Segment> splitParts(byte[] encoded, SmsEncoding encoding, boolean pack, int dataCoding,
            SegmentationPolicy policy, int reference) {
        SegmentationMode mode = policy.mode();
        int limit = partLimit(encoding, mode);
        int udhLength = udhLength(mode);
        int fill = pack ? Gsm7.fillBits(udhLength) : 0;
        int crFill = pack ? fill : -1;
        int total = countCuts(encoded, encoding, limit, crFill);
        checkMax(total, policy);
        List<Segment> segments = new ArrayList<>(total);
        int start = 0;
        for (int seq = 1; seq <= total; seq++) {
            int end = cut(encoded, start, limit, encoding, crFill);
            int partLength = end - start;
            int bodyLength = pack ? Gsm7.packedLength(partLength, fill) : partLength;
            byte[] body = new byte[udhLength + bodyLength];
            if (mode == SegmentationMode.UDH8) {
                UserDataHeader.writeConcat8(body, reference & 0xFF, total, seq);
            } else if (mode == SegmentationMode.UDH16) {
                UserDataHeader.writeConcat16(body, reference, total, seq);
            }
            if (pack) {
                Gsm7.pack(encoded, start, partLength, fill, body, udhLength);
            } else {
                System.arraycopy(encoded, start, body, udhLength, partLength);
            }
            Optional<SarInfo> sar = mode == SegmentationMode.SAR
                    ? Optional.of(new SarInfo(reference, total, seq)) : Optional.empty();
            segments.add(new Segment(seq, total, body, udhLength > 0, dataCoding, sar, false));
            start = end;
        }
        return segments;
    }

    private static int udhLength(SegmentationMode mode) {
        return switch (mode) {
            case UDH8 -> UserDataHeader.CONCAT8_LENGTH;
            case UDH16 -> UserDataHeader.CONCAT16_LENGTH;
            case SAR, PAYLOAD -> 0;
        };
    }

    /** Number of parts of at most {@code limit} octets, cutting only between characters. */
    private static int countCuts(byte[] encoded, SmsEncoding encoding, int limit, int crFill) {
        int parts = 0;
        for (int start = 0; start < encoded.length; start = cut(encoded, start, limit, encoding, crFill)) {
            parts++;
        }
        return Math.max(parts, 1);
    }

    /**
     * End (exclusive) of the part starting at {@code start}: at most {@code limit} octets, pulled back one septet
     * rather than leave an ESC without its code, or one code unit rather than split a surrogate pair.
     */
    private static int cut(byte[] encoded, int start, int limit, SmsEncoding encoding, int crFill) {
        int end = Math.min(start + limit, encoded.length);
        if (end == encoded.length) {
            return end;
        }
        if (encoding == SmsEncoding.UCS2) {
            // high surrogate: keep it with its low surrogate
            return (encoded[end - 2] & 0xFC) == 0xD8 ? end - 2 : end;
        }
        if (encoding != SmsEncoding.GSM7) {
            return end;
        }
        if (encoded[end - 1] == Gsm7.ESC) {
            // the encoder emits 0x1B only as the first septet of a pair, never as a code
            end--;
        }
        // the encoder emits 0x0D only for CR (never as an escape code)
        if (crFill >= 0 && encoded[end - 1] == CR && endsOnOctet(end - start, crFill)) {
            end--;
        }
        return end;
    }

    /**
     * Whether {@code septets} packed after {@code fill} bits end exactly on an octet boundary. A packed part that
     * does and ends with CR would lose that CR at a receiver that derives the septet count from the octet count (the
     * CR padding rule, TS 23.038 §6.1.2.3.1, see {@link Gsm7}), so such a CR starts the next part instead.
     */
    private static boolean endsOnOctet(int septets, int fill) {
        return ((fill + 7 * septets) & 7) == 0;
    }

    private static void checkMax(int segments, SegmentationPolicy policy) {
        if (segments > policy.maxSegments()) {
            throw new IllegalArgumentException(
                    "segments: " + segments + " (expected: <= " + policy.maxSegments() + ")");
        }
    }

    private static void checkPayloadSize(SegmentationPolicy policy, int octets) {
        if (policy.mode() == SegmentationMode.PAYLOAD) {
            checkPayload(octets);
        }
    }

    private static void checkPayload(int octets) {
        if (octets > MAX_PAYLOAD) {
            throw new IllegalArgumentException(
                    "message_payload: " + octets + " octets (expected: <= " + MAX_PAYLOAD + ")");
        }
    }

    private static void checkUdhBinary(int octets) {
        if (octets > SINGLE_OCTETS) {
            throw new IllegalArgumentException("binary with UDH: " + octets + " octets (expected: <= "
                    + SINGLE_OCTETS + "; it is sent as one SMS as the sender built it)");
        }
    }

    private static void checkSurrogates(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("lone surrogate U+" + String.format("%04X", (int) c)
                        + " at index " + i + " cannot be encoded as UCS-2");
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static IllegalArgumentException multipart() {
        return new IllegalArgumentException("content: Multipart (expected: Text or Binary; MMS and email are not SMS)");
    }
}
