package io.mgw.smpp.server;

import static io.mgw.smpp.common.SmppStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mgw.core.model.Address;
import io.mgw.core.model.Concat;
import io.mgw.core.model.Content;
import io.mgw.core.model.DeliveryReport;
import io.mgw.core.model.Direction;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.Origin;
import io.mgw.core.spi.ClientDelivery;
import io.mgw.core.spi.ClientDeliveryTarget;
import io.mgw.core.spi.DeliveryResult;
import io.mgw.smpp.common.PduWriter;
import io.mgw.smpp.common.ShortMessageDecoder;
import io.mgw.smpp.common.ShortMessagePdu;
import io.mgw.smpp.common.SmppCommand;
import io.mgw.smpp.common.Tlv;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.DataSm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Receipts and MO toward receiver/transceiver binds as deliver_sm, and what the ESME's answer means. */
class SmppServerDeliveryIT {

    private static final Instant SUBMITTED = Instant.parse("2026-11-23T09:15:00Z");
    private static final Instant DONE = Instant.parse("2026-11-23T09:16:30Z");

    private ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        var cfg = SmppServerConfig.defaults("127.0.0.1", 0).withResponseTimeout(Duration.ofMillis(500));
        h = new ServerHarness(cfg, ServerHarness.account("esme"),
                ServerHarness.account("digits", 10, 0, List.of(), List.of(), "decimal", 5));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private ClientDeliveryTarget target(String account) {
        await().atMost(Duration.ofSeconds(5)).until(() -> h.deliveries.open(account).size() == 1);
        return h.deliveries.open(account).get(0).target();
    }

    private static ClientDelivery.Report report(String account, MessageId id, MessageStatus status, int err) {
        return new ClientDelivery.Report(account, new DeliveryReport(id, status, err, err == 0 ? "" : "smsc:x",
                SUBMITTED, DONE, status == MessageStatus.DELIVERED ? 1 : 0, 1, ""), new Address(
                io.mgw.core.model.AddressType.ALPHANUMERIC, "Shop", 5, 0), Address.msisdn("4915100000001"),
                "Your code is 123456, valid 5 minutes");
    }

    private static ClientDelivery.MobileOriginated mo(Content content, java.util.Optional<Concat> concat) {
        Message m = Message.builder().id(new MessageId(7, 7)).direction(Direction.MO)
                .origin(new Origin("smpp", "smsc-a", "node-1", "")).source(Address.msisdn("4915100000001"))
                .destination(new Address(io.mgw.core.model.AddressType.SHORT_CODE, "12345", 3, 0)).content(content)
                .concat(concat).build();
        return new ClientDelivery.MobileOriginated("esme", m);
    }

    private static void answer(RawClient c, RawClient.Pdu deliver, int status) throws Exception {
        c.send(new PduWriter(0x80000005, status, deliver.sequence()).cString("").toBytes());
    }

    @Test
    void receiptToAJsmppTransceiver() throws Exception {
        CompletableFuture<DeliverSm> got = new CompletableFuture<>();
        SMPPSession client = new SMPPSession();
        client.setMessageReceiverListener(new MessageReceiverListener() {
            @Override
            public void onAcceptDeliverSm(DeliverSm deliverSm) {
                got.complete(deliverSm);
            }

            @Override
            public void onAcceptAlertNotification(AlertNotification alertNotification) {}

            @Override
            public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) {
                return null;
            }
        });
        try {
            client.connectAndBind("127.0.0.1", h.port(), new BindParameter(BindType.BIND_TRX, "esme",
                    ServerHarness.PASSWORD, "", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, ""));
            MessageId id = new MessageId(0x0123456789ABCDEFL, 0x1122334455667788L);
            var result = target("esme").deliver(report("esme", id, MessageStatus.DELIVERED, 0));
            DeliverSm d = got.get(5, TimeUnit.SECONDS);
            assertThat(d.getEsmClass() & 0x3C).isEqualTo(0x04);
            assertThat(new String(d.getShortMessage(), StandardCharsets.US_ASCII)).isEqualTo("id:" + id
                    + " sub:001 dlvrd:001 submit date:2611230915 done date:2611230916 stat:DELIVRD err:000"
                    + " text:Your code is 123456,");
            assertThat(d.getSourceAddr()).isEqualTo("4915100000001");
            assertThat(d.getDestAddress()).isEqualTo("Shop");
            OptionalParameter receipted = d.getOptionalParameter((short) 0x001E);
            assertThat(((OptionalParameter.COctetString) receipted).getValueAsString().replace("\0", "")).isEqualTo(id.toString());
            assertThat(((OptionalParameter.Byte) d.getOptionalParameter((short) 0x0427)).getValue()).isEqualTo((byte) 2);
            assertThat(result.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(DeliveryResult.DELIVERED);
        } finally {
            client.unbindAndClose();
        }
    }

    @Test
    void failedReceiptCarriesNetworkErrorCodeAndDecimalId() throws Exception {
        try (RawClient c = h.bound("digits", SmppCommand.BIND_RECEIVER, 0x34)) {
            MessageId id = new MessageId(1, 255);
            var result = target("digits").deliver(report("digits", id, MessageStatus.UNDELIVERABLE, 34));
            RawClient.Pdu d = c.read();
            ShortMessagePdu p = ShortMessageDecoder.submitOrDeliver(d.bytes());
            String text = new String(p.shortMessage(), StandardCharsets.US_ASCII);
            assertThat(text).startsWith("id:" + id.toDecimal() + " sub:001 dlvrd:000 ").contains("stat:UNDELIV err:034");
            assertThat(p.tlv(Tlv.NETWORK_ERROR_CODE).orElseThrow().value()).containsExactly(3, 0, 34);
            assertThat(p.tlv(Tlv.MESSAGE_STATE).orElseThrow().intValue()).isEqualTo(5);
            assertThat(p.tlv(Tlv.RECEIPTED_MESSAGE_ID).orElseThrow().cStringValue()).isEqualTo(id.toDecimal());
            answer(c, d, ESME_ROK);
            assertThat(result.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(DeliveryResult.DELIVERED);
        }
    }

    @Test
    void smpp33ReceiptHasNoTlvs() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_RECEIVER, 0x33)) {
            target("esme").deliver(report("esme", new MessageId(1, 1), MessageStatus.DELIVERED, 0));
            ShortMessagePdu p = ShortMessageDecoder.submitOrDeliver(c.read().bytes());
            assertThat(p.tlvs()).isEmpty();
            assertThat(p.esmClass()).isEqualTo(0x04);
        }
    }

    @Test
    void moGsm7AndUcs2() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSCEIVER, 0x34)) {
            ClientDeliveryTarget t = target("esme");
            t.deliver(mo(new Content.Text("STOP @ 10€"), java.util.Optional.empty()));
            ShortMessagePdu gsm = ShortMessageDecoder.submitOrDeliver(c.read().bytes());
            assertThat(gsm.dataCoding()).isEqualTo(0);
            assertThat(gsm.esmClass()).isEqualTo(0);
            assertThat(gsm.shortMessage()).containsExactly('S', 'T', 'O', 'P', ' ', 0x00, ' ', '1', '0', 0x1B, 0x65);
            assertThat(gsm.source().address()).isEqualTo("4915100000001");
            assertThat(gsm.destination().address()).isEqualTo("12345");
            t.deliver(mo(new Content.Text("Привет"), java.util.Optional.empty()));
            ShortMessagePdu ucs = ShortMessageDecoder.submitOrDeliver(c.read().bytes());
            assertThat(ucs.dataCoding()).isEqualTo(8);
            assertThat(new String(ucs.shortMessage(), StandardCharsets.UTF_16BE)).isEqualTo("Привет");
        }
    }

    @Test
    void longMoIsOneDeliverSmWithMessagePayloadOn34() throws Exception {
        String text = "a".repeat(500);
        try (RawClient c = h.bound("esme", SmppCommand.BIND_RECEIVER, 0x34)) {
            var r = target("esme").deliver(mo(new Content.Text(text), java.util.Optional.empty()));
            RawClient.Pdu d = c.read();
            ShortMessagePdu p = ShortMessageDecoder.submitOrDeliver(d.bytes());
            assertThat(p.shortMessage()).isEmpty();
            assertThat(new String(p.tlv(Tlv.MESSAGE_PAYLOAD).orElseThrow().value(), StandardCharsets.US_ASCII))
                    .isEqualTo(text);
            answer(c, d, ESME_ROK);
            assertThat(r.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(DeliveryResult.DELIVERED);
        }
    }

    @Test
    void longMoIsUdhPartsOn33AndDeliveredOnlyWhenAllAreAcked() throws Exception {
        String text = "b".repeat(300);
        try (RawClient c = h.bound("esme", SmppCommand.BIND_RECEIVER, 0x33)) {
            var r = target("esme").deliver(mo(new Content.Text(text), java.util.Optional.empty())).toCompletableFuture();
            RawClient.Pdu d1 = c.read();
            RawClient.Pdu d2 = c.read();
            ShortMessagePdu p1 = ShortMessageDecoder.submitOrDeliver(d1.bytes());
            ShortMessagePdu p2 = ShortMessageDecoder.submitOrDeliver(d2.bytes());
            assertThat(p1.esmClass()).isEqualTo(0x40);
            assertThat(p1.shortMessage()).startsWith(5, 0, 3);
            assertThat(p1.shortMessage()[4]).isEqualTo((byte) 2);
            assertThat(p1.shortMessage()[5]).isEqualTo((byte) 1);
            assertThat(p2.shortMessage()[5]).isEqualTo((byte) 2);
            assertThat(p1.shortMessage().length - 6 + p2.shortMessage().length - 6).isEqualTo(300);
            answer(c, d1, ESME_ROK);
            assertThat(r).isNotDone();
            answer(c, d2, ESME_ROK);
            assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo(DeliveryResult.DELIVERED);
        }
    }

    /**
     * What each refusal of a deliver_sm means: retried later (temporary error, throttled, queue full) or refused for
     * good, counted by reason in gateway.smpp.deliver.unsuccessful.
     */
    @ParameterizedTest(name = "0x{0} -> {1}, {2}")
    @CsvSource({
        "64, RETRY, other_status", // ESME_RX_T_APPN
        "58, RETRY, throttled", // ESME_RTHROTTLED
        "14, RETRY, queue_full", // ESME_RMSGQFUL
        "65, REFUSED, refused", // ESME_RX_P_APPN
        "66, REFUSED, refused", // ESME_RX_R_APPN
    })
    void aRefusedDeliverIsRetriedOrRefusedAndCountedByReason(String statusHex, DeliveryResult expected, String reason)
            throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_RECEIVER, 0x34)) {
            var r = target("esme").deliver(report("esme", new MessageId(2, 2), MessageStatus.DELIVERED, 0));
            answer(c, c.read(), Integer.parseInt(statusHex, 16));
            assertThat(r.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(expected);
            assertThat(h.counter("gateway.smpp.deliver.unsuccessful", "reason", reason)).isEqualTo(1);
        }
    }

    @Test
    void noAnswerWithinTheResponseTimeoutIsRetryAndFreesTheWindow() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_RECEIVER, 0x34)) {
            var t = target("esme");
            var r = t.deliver(report("esme", new MessageId(5, 5), MessageStatus.DELIVERED, 0));
            c.read();
            assertThat(r.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(DeliveryResult.RETRY);
            assertThat(t.isReady()).isTrue();
            assertThat(h.counter("gateway.smpp.deliver.unsuccessful", "reason", "timeout")).isEqualTo(1);
        }
    }

    @Test
    void targetIsUnregisteredWhenTheSessionEnds() throws Exception {
        RawClient c = h.bound("esme", SmppCommand.BIND_TRANSCEIVER, 0x34);
        ClientDeliveryTarget t = target("esme");
        c.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> h.deliveries.open("esme").isEmpty());
        assertThat(t.isReady()).isFalse();
        assertThat(t.deliver(report("esme", new MessageId(6, 6), MessageStatus.DELIVERED, 0)).toCompletableFuture()
                .get(1, TimeUnit.SECONDS)).isEqualTo(DeliveryResult.RETRY);
    }

    @Test
    void transmitterBindIsNoDeliveryTarget() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            assertThat(c.submit("4915100000001", "x").status()).isEqualTo(ESME_ROK);
            assertThat(h.deliveries.entries).isEmpty();
        }
    }

    @Test
    void genericNackForOurDeliverSmIsRefused() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_RECEIVER, 0x34)) {
            var r = target("esme").deliver(report("esme", new MessageId(8, 8), MessageStatus.DELIVERED, 0));
            RawClient.Pdu d = c.read();
            c.send(PduWriter.header(SmppCommand.GENERIC_NACK, ESME_RINVCMDLEN, d.sequence()));
            assertThat(r.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(DeliveryResult.REFUSED);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> h.counter("gateway.smpp.deliver.failed", "result", "REFUSED") == 1);
            assertThat(h.counter("gateway.smpp.deliver.unsuccessful", "reason", "generic_nack")).isEqualTo(1);
        }
    }
}
