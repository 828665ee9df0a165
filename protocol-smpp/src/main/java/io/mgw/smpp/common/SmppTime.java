package io.mgw.smpp.common;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * SMPP time fields (schedule_delivery_time, validity_period, final_date; SMPP 3.4 §7.1.1): 16 characters
 * {@code YYMMDDhhmmsstnnp}. Absolute ({@code p} = '+' or '-'): local time, {@code t} tenths of a second, {@code nn}
 * quarter hours that local time is ahead ('+') of or behind ('-') UTC. Relative ({@code p} = 'R'): the fields are an
 * interval of years, months, days, hours, minutes and seconds from now ({@code tnn} = "000"). Years YY mean 20YY.
 */
public final class SmppTime {

    private static final DateTimeFormatter RECEIPT = DateTimeFormatter.ofPattern("yyMMddHHmm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ABSOLUTE =
            DateTimeFormatter.ofPattern("yyMMddHHmmss").withZone(ZoneOffset.UTC);

    private SmppTime() {}

    /**
     * Parses a time field relative to {@code now}.
     *
     * @return empty for "" (the field's default)
     * @throws IllegalArgumentException for anything that is not a valid absolute or relative time
     */
    public static Optional<Instant> parse(String text, Instant now) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.length() != 16) {
            throw new IllegalArgumentException("time: '" + text + "' (expected: 16 characters)");
        }
        for (int i = 0; i < 15; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                throw new IllegalArgumentException("time: '" + text + "' (expected: digits in positions 1-15)");
            }
        }
        int yy = num(text, 0);
        int mo = num(text, 2);
        int dd = num(text, 4);
        int hh = num(text, 6);
        int mi = num(text, 8);
        int ss = num(text, 10);
        int tenths = text.charAt(12) - '0';
        int quarters = num(text, 13);
        char p = text.charAt(15);
        try {
            switch (p) {
                case 'R' -> {
                    ZonedDateTime t = now.atZone(ZoneOffset.UTC).plusYears(yy).plusMonths(mo).plusDays(dd)
                            .plusHours(hh).plusMinutes(mi).plusSeconds(ss);
                    return Optional.of(t.toInstant());
                }
                case '+', '-' -> {
                    if (quarters > 48) {
                        throw new IllegalArgumentException("time: '" + text + "' (expected: nn <= 48)");
                    }
                    int offsetSeconds = quarters * 15 * 60 * (p == '+' ? 1 : -1);
                    LocalDateTime local = LocalDateTime.of(2000 + yy, mo, dd, hh, mi, ss, tenths * 100_000_000);
                    return Optional.of(local.toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds)));
                }
                default -> throw new IllegalArgumentException("time: '" + text + "' (expected: p in '+', '-', 'R')");
            }
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("time: '" + text + "': " + e.getMessage(), e);
        }
    }

    /** Absolute UTC form "YYMMDDhhmmss000+" (for final_date). */
    public static String formatAbsolute(Instant t) {
        return ABSOLUTE.format(t) + "000+";
    }

    /** The 10-digit "YYMMDDhhmm" form used in receipt text, in UTC. */
    public static String formatReceipt(Instant t) {
        return RECEIPT.format(t);
    }

    private static int num(String s, int i) {
        return (s.charAt(i) - '0') * 10 + (s.charAt(i + 1) - '0');
    }
}
