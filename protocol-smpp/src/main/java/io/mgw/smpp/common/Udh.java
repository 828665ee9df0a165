package io.mgw.smpp.common;

import io.mgw.core.model.Concat;
import java.util.Optional;

/**
 * The parts of a user data header (3GPP TS 23.040 §9.2.3.24) the SMPP adapter needs: its length and the
 * concatenation element (IEI 0x00 with an 8-bit reference, IEI 0x08 with a 16-bit one).
 *
 * @param length the header's length in octets, including the UDHL octet
 * @param concat the concatenation element, if present and well formed
 */
public record Udh(int length, Optional<Concat> concat) {

    /**
     * Parses the header at the start of {@code userData}.
     *
     * @throws IllegalArgumentException if the data is empty, the header is longer than the data, or an element
     *                                  runs past the header's end
     */
    public static Udh parse(byte[] userData) {
        if (userData.length == 0) {
            throw new IllegalArgumentException("user data empty (expected: UDHL octet)");
        }
        int udhl = userData[0] & 0xFF;
        int end = 1 + udhl;
        if (end > userData.length) {
            throw new IllegalArgumentException("UDHL " + udhl + " longer than the " + (userData.length - 1)
                    + " octets that follow");
        }
        Optional<Concat> concat = Optional.empty();
        int i = 1;
        while (i < end) {
            if (i + 2 > end) {
                throw new IllegalArgumentException("information element header truncated at offset " + i);
            }
            int iei = userData[i] & 0xFF;
            int len = userData[i + 1] & 0xFF;
            int v = i + 2;
            if (v + len > end) {
                throw new IllegalArgumentException("information element 0x" + Integer.toHexString(iei)
                        + " runs past the header");
            }
            if (iei == 0x00 && len == 3) {
                concat = concat(userData[v] & 0xFF, userData[v + 1] & 0xFF, userData[v + 2] & 0xFF, false);
            } else if (iei == 0x08 && len == 4) {
                int ref = ((userData[v] & 0xFF) << 8) | (userData[v + 1] & 0xFF);
                concat = concat(ref, userData[v + 2] & 0xFF, userData[v + 3] & 0xFF, true);
            }
            i = v + len;
        }
        return new Udh(end, concat);
    }

    private static Optional<Concat> concat(int ref, int total, int seq, boolean wide) {
        if (total < 1 || seq < 1 || seq > total) {
            return Optional.empty(); // TS 23.040: a receiver ignores a malformed concatenation element
        }
        return Optional.of(new Concat(ref, total, seq, wide));
    }
}
