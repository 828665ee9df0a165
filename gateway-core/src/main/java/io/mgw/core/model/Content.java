package io.mgw.core.model;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * The body of a message. Text is held as Unicode; encoding and splitting happen at the outbound adapter.
 */
public sealed interface Content {

    /** Unicode text (SMS text, page, email body). */
    record Text(String text) implements Content {
        public Text {
            requireNonNull(text, "text");
        }
    }

    /**
     * Octets the gateway does not interpret.
     *
     * @param udh        the user data header including its length octet, or an empty array
     * @param data       the payload after the UDH
     * @param dataCoding the SMPP data_coding the sender gave (e.g. 0x04 8-bit, 0xF5 class-1 binary)
     */
    record Binary(byte[] udh, byte[] data, int dataCoding) implements Content {
        public Binary {
            requireNonNull(udh, "udh");
            requireNonNull(data, "data");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Binary b && dataCoding == b.dataCoding && Arrays.equals(udh, b.udh)
                    && Arrays.equals(data, b.data);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(udh) + Arrays.hashCode(data)) + dataCoding;
        }

        @Override
        public String toString() {
            return "Binary[udh=" + udh.length + "B, data=" + data.length + "B, dcs=" + dataCoding + "]";
        }
    }

    /** MMS or email with parts. */
    record Multipart(String subject, List<Part> parts) implements Content {
        public Multipart {
            requireNonNull(subject, "subject");
            parts = List.copyOf(parts);
        }
    }

    /** One part of a multipart message. */
    record Part(String contentType, String contentId, byte[] bytes) {
        public Part {
            requireNonNull(contentType, "contentType");
            requireNonNull(contentId, "contentId");
            requireNonNull(bytes, "bytes");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Part p && contentType.equals(p.contentType) && contentId.equals(p.contentId)
                    && Arrays.equals(bytes, p.bytes);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * contentType.hashCode() + contentId.hashCode()) + Arrays.hashCode(bytes);
        }
    }
}
