package io.mgw.smpp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mgw.core.model.DeliveryReport;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeliverSmFactoryTest {

    private static DeliveryReport report(MessageStatus status, int err, int delivered, int total) {
        return new DeliveryReport(new MessageId(1, 2), status, err, "", Instant.parse("2026-01-02T03:04:05Z"),
                Instant.parse("2026-01-02T03:05:59Z"), delivered, total, "");
    }

    @Test
    void deliveredReceiptText() {
        assertThat(DeliverSmFactory.receiptText(report(MessageStatus.DELIVERED, 0, 1, 1), "abc", "Hello world, this is long"))
                .isEqualTo("id:abc sub:001 dlvrd:001 submit date:2601020304 done date:2601020305 stat:DELIVRD"
                        + " err:000 text:Hello world, this is");
    }

    @Test
    void multipartFailureCountsParts() {
        assertThat(DeliverSmFactory.receiptText(report(MessageStatus.UNDELIVERABLE, 1, 2, 3), "x", ""))
                .startsWith("id:x sub:003 dlvrd:002 ").contains("stat:UNDELIV err:001 text:");
    }

    @Test
    void resultOfResponseStatus() {
        assertThat(ServerSession.resultOf(0)).hasToString("DELIVERED");
        assertThat(ServerSession.resultOf(0x64)).hasToString("RETRY");
        assertThat(ServerSession.resultOf(0x65)).hasToString("REFUSED");
        assertThat(ServerSession.resultOf(0x66)).hasToString("REFUSED");
        assertThat(ServerSession.resultOf(0x58)).hasToString("RETRY");
    }

    @Test
    void receiptPreviewKeepsOnlyCharactersAsciiAndGsm7AgreeOn() {
        assertThat(DeliverSmFactory.receiptSafe("Grüße @ $5_[ok] Привет")).isEqualTo("Gr??e ? ?5??ok? ??????");
    }
}
