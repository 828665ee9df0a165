package io.mgw.smpp.receipt;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.util.Locale;

/**
 * Turns an SMSC's message id into the correlation key, so that the id from submit_sm_resp and the id in the
 * receipt for the same message give the same key (PROTOCOLS.md §1.7, ARCHITECTURE.md §5 "DLR correlation").
 *
 * <p>SMSCs disagree on the form: some answer hex in submit_sm_resp and decimal in the receipt (SMPP 3.3-era habit),
 * some the reverse, some pad with zeros or change case. Numeric ids are therefore keyed by their value, written in
 * decimal without leading zeros; ids that are not numbers in the expected base are kept as text (trimmed, and
 * lower-cased except in {@code as-is}).
 *
 * <table>
 *   <caption>Formats (connector setting {@code remoteIdFormat})</caption>
 *   <tr><th>setting</th><th>submit_sm_resp id</th><th>receipt id</th></tr>
 *   <tr><td>auto (default)</td><td colspan="2">each read as hex if it has a letter a-f, else as decimal</td></tr>
 *   <tr><td>hex</td><td>hex</td><td>hex</td></tr>
 *   <tr><td>decimal</td><td>decimal</td><td>decimal</td></tr>
 *   <tr><td>hex-decimal</td><td>hex</td><td>decimal</td></tr>
 *   <tr><td>decimal-hex</td><td>decimal</td><td>hex</td></tr>
 *   <tr><td>as-is</td><td colspan="2">trimmed, compared exactly</td></tr>
 * </table>
 *
 * <p>{@code auto} cannot tell a hex id made only of digits ("001234" = 0x1234) from a decimal one: SMSCs that mix
 * bases need {@code hex-decimal} or {@code decimal-hex}. Immutable and thread-safe.
 */
public final class RemoteIdNormalizer {

    /** The id rule of one connector. */
    public enum Format {
        AUTO("auto"),
        HEX("hex"),
        DECIMAL("decimal"),
        HEX_DECIMAL("hex-decimal"),
        DECIMAL_HEX("decimal-hex"),
        AS_IS("as-is");

        private final String setting;

        Format(String setting) {
            this.setting = setting;
        }

        /** The value as written in the config. */
        public String setting() {
            return setting;
        }

        /**
         * Reads a config value (case-insensitive, "_" same as "-").
         *
         * @throws IllegalArgumentException naming the accepted values
         */
        public static Format fromSetting(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT).replace('_', '-');
            for (Format f : values()) {
                if (f.setting.equals(v)) {
                    return f;
                }
            }
            throw new IllegalArgumentException(
                    "'" + value + "' (expected: auto, hex, decimal, hex-decimal, decimal-hex or as-is)");
        }
    }

    private enum Base { AUTO, HEX, DECIMAL, TEXT }

    private final Format format;

    public RemoteIdNormalizer(Format format) {
        this.format = requireNonNull(format, "format");
    }

    public Format format() {
        return format;
    }

    /** The key for an id taken from submit_sm_resp (or data_sm_resp). */
    public String fromSubmitResponse(String remoteId) {
        return normalise(remoteId, switch (format) {
            case AUTO -> Base.AUTO;
            case HEX, HEX_DECIMAL -> Base.HEX;
            case DECIMAL, DECIMAL_HEX -> Base.DECIMAL;
            case AS_IS -> Base.TEXT;
        });
    }

    /** The key for an id taken from a receipt (receipted_message_id TLV or "id:" text). */
    public String fromReceipt(String remoteId) {
        return normalise(remoteId, switch (format) {
            case AUTO -> Base.AUTO;
            case HEX, DECIMAL_HEX -> Base.HEX;
            case DECIMAL, HEX_DECIMAL -> Base.DECIMAL;
            case AS_IS -> Base.TEXT;
        });
    }

    private static String normalise(String id, Base base) {
        String s = requireNonNull(id, "remoteId").strip();
        if (base == Base.TEXT) {
            return s;
        }
        if (base != Base.DECIMAL && s.length() > 2 && (s.startsWith("0x") || s.startsWith("0X"))) {
            String rest = s.substring(2);
            if (rest.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 128)) {
                return new BigInteger(rest, 16).toString();
            }
        }
        boolean digits = !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
        boolean hex = !s.isEmpty() && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 128);
        Base b = base == Base.AUTO ? (digits ? Base.DECIMAL : Base.HEX) : base;
        if (b == Base.DECIMAL && digits) {
            return new BigInteger(s).toString();
        }
        if (b == Base.HEX && hex) {
            return new BigInteger(s, 16).toString();
        }
        return s.toLowerCase(Locale.ROOT);
    }
}
