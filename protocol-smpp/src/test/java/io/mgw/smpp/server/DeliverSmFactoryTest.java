package io.mgw.smpp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mgw.core.model.Address;
import io.mgw.core.model.DeliveryReport;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.spi.ClientDelivery;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
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
    void errorCodeAbove999IsClampedToThreeDigitsInTheText() {
        assertThat(DeliverSmFactory.receiptText(report(MessageStatus.UNDELIVERABLE, 1234, 0, 1), "x", ""))
                .contains(" err:999 text:");
    }

    @Test
    void errorCode999IsShownAsIs() {
        assertThat(DeliverSmFactory.receiptText(report(MessageStatus.UNDELIVERABLE, 999, 0, 1), "x", ""))
                .contains(" err:999 text:");
    }

    @Test
    void clampedErrorCodeKeepsItsFullValueInNetworkErrorCode() {
        DeliveryReport r = report(MessageStatus.UNDELIVERABLE, 1234, 0, 1);
        var delivery = new ClientDelivery.Report("acc", r, Address.msisdn("4915100000001"), Address.of("12345"), "");
        byte[] pdu = DeliverSmFactory.build(delivery, ServerHarness.account("acc"), 0x34, () -> 7, () -> 1).getFirst();
        String body = HexFormat.of().formatHex(pdu);
        assertThat(body).contains(HexFormat.of().formatHex("err:999 ".getBytes(StandardCharsets.US_ASCII)));
        // network_error_code TLV 0x0423, length 3, type 3 (GSM), code 1234 = 0x04D2
        assertThat(body).contains("04230003" + "03" + "04d2");
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
