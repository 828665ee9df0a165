package io.mgw.smpp.receipt;

import static java.util.Objects.requireNonNull;

import io.mgw.core.model.MessageStatus;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads SMPP delivery receipts tolerantly (SMPP 3.4 Appendix B; PROTOCOLS.md §1.7).
 *
 * <p>The de-facto text layout is
 * <pre>
 * id:&lt;id&gt; sub:&lt;NNN&gt; dlvrd:&lt;NNN&gt; submit date:&lt;YYMMDDhhmm[ss]&gt; done date:&lt;YYMMDDhhmm[ss]&gt; stat:&lt;STATE&gt; err:&lt;NNN&gt; text:&lt;...&gt;
 * </pre>
 * but vendors vary it, so: keys are case-insensitive and may come in any order; "submit_date"/"submitdate" are
 * accepted too; fields may be missing or extra; dates may have 10, 12 or 14 digits (read as UTC, the receipt carries
 * no zone); everything after "text:" is the text excerpt and is never searched for fields. When present, the TLVs
 * receipted_message_id (0x001E), message_state (0x0427) and network_error_code (0x0423) win over the text.
 *
 * <p>Thread-safe and stateless.
 */
public final class ReceiptParser {

    private static final Pattern TEXT_KEY = Pattern.compile("(?i)(?<![a-z_])text\\s*:");
    private static final Pattern FIELD = Pattern.compile(
            "(?i)(?<![a-z_])(id|sub|dlvrd|submit[ _]?date|done[ _]?date|stat|err)\\s*:\\s*([^\\s:]*)");
    private static final Map<String, MessageStatus> STATES = Map.ofEntries(
            Map.entry("DELIVRD", MessageStatus.DELIVERED),
            Map.entry("DELIVERED", MessageStatus.DELIVERED),
            Map.entry("EXPIRED", MessageStatus.EXPIRED),
            Map.entry("DELETED", MessageStatus.DELETED),
            Map.entry("UNDELIV", MessageStatus.UNDELIVERABLE),
            Map.entry("UNDELIVERABLE", MessageStatus.UNDELIVERABLE),
            Map.entry("ACCEPTD", MessageStatus.ACCEPTED),
            Map.entry("ACCEPTED", MessageStatus.ACCEPTED),
            Map.entry("UNKNOWN", MessageStatus.UNKNOWN),
            Map.entry("REJECTD", MessageStatus.REJECTED),
            Map.entry("REJECTED", MessageStatus.REJECTED),
            Map.entry("ENROUTE", MessageStatus.ENROUTE),
            // SMPP 5.0 states: scheduled is still on its way; skipped will not be delivered.
            Map.entry("SCHEDLD", MessageStatus.ENROUTE),
            Map.entry("SKIPPED", MessageStatus.UNDELIVERABLE));

    private ReceiptParser() {}

    /** Parses receipt text alone. */
    public static ParsedReceipt parse(String text) {
        return parse(text, Optional.empty(), OptionalInt.empty(), OptionalInt.empty());
    }

    /**
     * Parses a receipt.
     *
     * @param text              the short_message or message_payload as text ("" if the receipt only has TLVs)
     * @param receiptedMessageId the receipted_message_id TLV, if present
     * @param messageState      the message_state TLV (SMPP 3.4 §5.2.28 values; 0 and 9 from 5.0), if present
     * @param networkErrorCode  the error part (octets 2-3) of the network_error_code TLV, if present
     * @return the receipt
     * @throws IllegalArgumentException if neither the text nor the TLV gives a message id
     */
    public static ParsedReceipt parse(
            String text, Optional<String> receiptedMessageId, OptionalInt messageState, OptionalInt networkErrorCode) {
        requireNonNull(text, "text");
        requireNonNull(receiptedMessageId, "receiptedMessageId");
        requireNonNull(messageState, "messageState");
        requireNonNull(networkErrorCode, "networkErrorCode");

        String body = stripNuls(text);
        String header = body;
        String excerpt = "";
        Matcher t = TEXT_KEY.matcher(body);
        if (t.find()) {
            header = body.substring(0, t.start());
            excerpt = body.substring(t.end());
        }
        Map<String, String> fields = new HashMap<>();
        Matcher m = FIELD.matcher(header);
        while (m.find()) {
            String key = m.group(1).toLowerCase(Locale.ROOT).replace("_", "").replace(" ", "");
            fields.putIfAbsent(key, m.group(2));
        }

        String id = receiptedMessageId.map(String::strip).filter(s -> !s.isEmpty())
                .orElseGet(() -> fields.getOrDefault("id", "").strip());
        if (id.isEmpty()) {
            throw new IllegalArgumentException(
                    "receipt: no message id (expected: 'id:' field or receipted_message_id TLV) in '" + abbreviate(body)
                            + "'");
        }
        MessageStatus status = stateFromTlv(messageState)
                .or(() -> Optional.ofNullable(fields.get("stat")).flatMap(ReceiptParser::stateFromWord))
                .orElse(MessageStatus.UNKNOWN);
        int error = networkErrorCode.isPresent() ? networkErrorCode.getAsInt() : parseError(fields.get("err"));
        return new ParsedReceipt(
                id,
                parseCount(fields.get("sub")),
                parseCount(fields.get("dlvrd")),
                parseDate(fields.get("submitdate")),
                parseDate(fields.get("donedate")),
                status,
                error,
                excerpt);
    }

    /** Maps a "stat:" word (DELIVRD, UNDELIV..., also the spelled-out forms, any case) to a status. */
    public static Optional<MessageStatus> stateFromWord(String word) {
        String w = word.strip().toUpperCase(Locale.ROOT);
        MessageStatus s = STATES.get(w);
        if (s != null) {
            return Optional.of(s);
        }
        if (!w.isEmpty() && w.chars().allMatch(Character::isDigit) && w.length() <= 2) {
            return stateFromTlv(OptionalInt.of(Integer.parseInt(w)));
        }
        return Optional.empty();
    }

    private static Optional<MessageStatus> stateFromTlv(OptionalInt state) {
        if (state.isEmpty()) {
            return Optional.empty();
        }
        int v = state.getAsInt();
        return switch (v) {
            case 0 -> Optional.of(MessageStatus.ENROUTE); // 5.0 SCHEDULED
            case 9 -> Optional.of(MessageStatus.UNDELIVERABLE); // 5.0 SKIPPED
            case 1, 2, 3, 4, 5, 6, 7, 8 -> Optional.of(MessageStatus.fromSmppState(v));
            default -> Optional.empty();
        };
    }

    private static OptionalInt parseCount(String v) {
        if (v == null || v.isEmpty() || v.length() > 9 || !v.chars().allMatch(Character::isDigit)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(v));
    }

    /** "000" decimal; "0x1B" or hex with letters ("00B") as hex; anything else 0. */
    static int parseError(String v) {
        if (v == null || v.isEmpty()) {
            return 0;
        }
        String s = v.strip();
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Integer.parseInt(s.substring(2), 16);
            }
            if (s.length() <= 9 && s.chars().allMatch(Character::isDigit)) {
                return Integer.parseInt(s);
            }
            if (s.length() <= 7 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                return Integer.parseInt(s, 16);
            }
        } catch (NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** YYMMDDhhmm, YYMMDDhhmmss or YYYYMMDDhhmmss, as UTC; empty if not one of these or out of range. */
    static Optional<Instant> parseDate(String v) {
        if (v == null || !v.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        try {
            LocalDateTime t = switch (v.length()) {
                case 10 -> LocalDateTime.of(2000 + num(v, 0, 2), num(v, 2, 4), num(v, 4, 6), num(v, 6, 8),
                        num(v, 8, 10));
                case 12 -> LocalDateTime.of(2000 + num(v, 0, 2), num(v, 2, 4), num(v, 4, 6), num(v, 6, 8),
                        num(v, 8, 10), num(v, 10, 12));
                case 14 -> LocalDateTime.of(num(v, 0, 4), num(v, 4, 6), num(v, 6, 8), num(v, 8, 10),
                        num(v, 10, 12), num(v, 12, 14));
                default -> null;
            };
            return Optional.ofNullable(t).map(x -> x.toInstant(ZoneOffset.UTC));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static int num(String s, int from, int to) {
        return Integer.parseInt(s, from, to, 10);
    }

    private static String stripNuls(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '\0') {
            end--;
        }
        return s.substring(0, end);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
