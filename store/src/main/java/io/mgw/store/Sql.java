package io.mgw.store;

import io.mgw.core.model.Content;
import io.mgw.core.model.Message;
import io.mgw.core.text.DataCoding;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Small conversions shared by the reader and the writer. */
final class Sql {

    /** Longest text preview kept, in UTF-16 units (so it fits VARCHAR(20) on H2 and PostgreSQL alike). */
    static final int PREVIEW_CHARS = 20;

    /** "err:123", "err=0x0B", "err: 45" as in SMPP receipt text (SMPP 3.4 Appendix B) or our own details. */
    private static final Pattern ERROR_CODE = Pattern.compile("(?i)(?<![a-z])err\\s*[:=]\\s*(0x[0-9a-f]+|\\d+)");

    private Sql() {}

    /**
     * Sets a string parameter with every U+0000 replaced by U+FFFD. A NUL is a valid character of a UCS-2 or Latin-1
     * short message (and of JSON text), but PostgreSQL's text types cannot hold it ("invalid byte sequence for
     * encoding UTF8: 0x00"): written as is, it failed every try of its write, and the router, which writes again until
     * the store takes it, stood still on that message. Reads go through here too, so a key holding one (a remote id)
     * is found as it was written.
     */
    static void setText(PreparedStatement ps, int index, String s) throws SQLException {
        ps.setString(index, s == null ? null : s.replace('\u0000', '\uFFFD'));
    }

    static void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
        ps.setObject(index, OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
    }

    static Instant getInstant(ResultSet rs, int index) throws SQLException {
        return rs.getObject(index, OffsetDateTime.class).toInstant();
    }

    /**
     * The first characters of a text message (or the subject of a multipart one); for binary content "", unless it is
     * UCS-2 text kept as octets because a surrogate pair was cut at its edge ({@link DataCoding#cutsSurrogatePair}).
     */
    static String preview(Message message) {
        String text = switch (message.content()) {
            case Content.Text t -> t.text();
            case Content.Multipart m -> m.subject();
            case Content.Binary b -> DataCoding.isUcs2Octets(b.data(), b.dataCoding())
                    ? DataCoding.decode(b.data(), b.dataCoding()) : "";
        };
        if (text.length() <= PREVIEW_CHARS) {
            return text;
        }
        int end = PREVIEW_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a surrogate pair
        }
        return text.substring(0, end);
    }

    /**
     * The error code named in an event's detail by an {@code err:} or {@code err=} token (decimal or 0x-hex), if
     * any.
     */
    static OptionalInt errorCode(String detail) {
        Matcher m = ERROR_CODE.matcher(detail);
        if (!m.find()) {
            return OptionalInt.empty();
        }
        String v = m.group(1);
        try {
            return OptionalInt.of(v.length() > 2 && (v.charAt(1) == 'x' || v.charAt(1) == 'X')
                    ? Integer.parseInt(v.substring(2), 16)
                    : Integer.parseInt(v));
        } catch (NumberFormatException e) {
            return OptionalInt.empty(); // too large for an int: not an error code we can keep
        }
    }
}
