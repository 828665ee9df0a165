package io.mgw.core.model;

/**
 * Marks a message that is one part of a longer one, as the sender split it (UDH IEI 0x00/0x08 or SAR TLVs,
 * 3GPP TS 23.040 §9.2.3.24.1). Parts of one message share {@code reference}, {@code total} and the sender.
 *
 * @param reference concatenation reference (0..255 for 8-bit, 0..65535 for 16-bit)
 * @param total     number of parts, 1..255
 * @param sequence  this part's number, 1..total
 * @param wide      true for a 16-bit reference
 */
public record Concat(int reference, int total, int sequence, boolean wide) {

    public Concat {
        if (total < 1 || total > 255) {
            throw new IllegalArgumentException("total: " + total + " (expected: 1..255)");
        }
        if (sequence < 1 || sequence > total) {
            throw new IllegalArgumentException("sequence: " + sequence + " (expected: 1.." + total + ")");
        }
        if (reference < 0 || reference > (wide ? 0xFFFF : 0xFF)) {
            throw new IllegalArgumentException("reference: " + reference);
        }
    }
}
