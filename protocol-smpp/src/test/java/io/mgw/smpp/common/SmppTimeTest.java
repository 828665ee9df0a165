package io.mgw.smpp.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SmppTimeTest {

    private static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");

    @Test
    void emptyMeansDefault() {
        assertThat(SmppTime.parse("", NOW)).isEmpty();
    }

    @Test
    void absoluteUtc() {
        assertThat(SmppTime.parse("261124103000000+", NOW)).contains(Instant.parse("2026-11-24T10:30:00Z"));
    }

    @Test
    void absoluteWithTenthsAndOffsetAheadOfUtc() {
        // local 12:30:00.5 at UTC+2 (8 quarter hours) is 10:30:00.5 UTC
        assertThat(SmppTime.parse("261124123000508+", NOW)).contains(Instant.parse("2026-11-24T10:30:00.500Z"));
    }

    @Test
    void absoluteBehindUtc() {
        assertThat(SmppTime.parse("261124053000020-", NOW)).contains(Instant.parse("2026-11-24T10:30:00Z"));
    }

    @Test
    void relative() {
        assertThat(SmppTime.parse("000001020304000R", NOW)).contains(Instant.parse("2026-11-24T11:03:04Z"));
    }

    @Test
    void rejectsBadForms() {
        assertThatThrownBy(() -> SmppTime.parse("2611241030", NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmppTime.parse("261324103000000+", NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmppTime.parse("261124103000000X", NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmppTime.parse("26112410300000A+", NOW)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formats() {
        assertThat(SmppTime.formatReceipt(Instant.parse("2026-11-24T10:30:59Z"))).isEqualTo("2611241030");
        assertThat(SmppTime.formatAbsolute(Instant.parse("2026-11-24T10:30:59Z"))).isEqualTo("261124103059000+");
    }
}
