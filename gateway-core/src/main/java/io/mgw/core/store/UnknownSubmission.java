package io.mgw.core.store;

import static java.util.Objects.requireNonNull;

import io.mgw.core.model.MessageId;
import io.mgw.core.spi.SouthReceipt;
import java.time.Instant;

/**
 * A part we sent whose submit got no answer (a response timeout: the peer may or may not have taken it), kept so
 * that a receipt naming a remote id we never learned can still be matched to it by the handset's address and the
 * start of the text (the receipt processor's orphan match).
 *
 * @param id          our message
 * @param connector   the connector it went out on
 * @param part        the part whose outcome is unknown (1-based)
 * @param parts       parts the message went out as
 * @param handset     the destination address, as {@link #handsetKey} makes it
 * @param excerpt     the start of the part's text as it would be quoted in a receipt (at most {@value #EXCERPT}
 *                    characters), "" when not known (binary content, a later part)
 * @param submittedAt when the submit was sent (about: when its outcome was given up)
 */
public record UnknownSubmission(
        MessageId id, String connector, int part, int parts, String handset, String excerpt, Instant submittedAt) {

    /** Characters of text kept: as many as a receipt's quote keeps ({@link SouthReceipt#EXCERPT}). */
    public static final int EXCERPT = SouthReceipt.EXCERPT;

    public UnknownSubmission {
        requireNonNull(id, "id");
        requireNonNull(connector, "connector");
        requireNonNull(handset, "handset");
        requireNonNull(excerpt, "excerpt");
        requireNonNull(submittedAt, "submittedAt");
        if (part < 1 || parts < part) {
            throw new IllegalArgumentException("part " + part + " of " + parts + " (expected: 1 <= part <= parts)");
        }
        if (excerpt.length() > EXCERPT) {
            excerpt = excerpt.substring(0, EXCERPT);
        }
    }

    /**
     * An address as compared between a submit and a receipt: only its letters and digits, so that "+44 7700 900123"
     * and "447700900123" are the same handset. A peer that writes the number in another form (national, or with an
     * international prefix such as 00) is not matched.
     */
    public static String handsetKey(String address) {
        requireNonNull(address, "address");
        StringBuilder b = new StringBuilder(address.length());
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                b.append(c);
            }
        }
        return b.toString();
    }
}
