package io.mgw.core.segment;

import static java.util.Objects.requireNonNull;

import io.mgw.core.text.EncodingPreference;

/**
 * How one outbound connector encodes and splits text.
 *
 * @param encoding    which encodings may carry text
 * @param mode        how long messages are split
 * @param maxSegments the most segments one message may take, 1..255; more is rejected
 * @param packGsm7    true to send GSM 7-bit packed (8 septets in 7 octets); false to send it unpacked, one septet per
 *                    octet, the usual SMPP convention. Length limits are in septets either way.
 */
public record SegmentationPolicy(EncodingPreference encoding, SegmentationMode mode, int maxSegments,
        boolean packGsm7) {

    public SegmentationPolicy {
        requireNonNull(encoding, "encoding");
        requireNonNull(mode, "mode");
        if (maxSegments < 1 || maxSegments > 255) {
            throw new IllegalArgumentException("maxSegments: " + maxSegments + " (expected: 1..255)");
        }
    }
}
