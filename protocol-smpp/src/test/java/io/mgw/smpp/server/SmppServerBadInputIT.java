package io.mgw.smpp.server;

import static io.mgw.smpp.common.SmppStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mgw.core.model.Address;
import io.mgw.core.model.DeliveryReport;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.spi.ClientDelivery;
import io.mgw.core.spi.ClientDeliveryTarget;
import io.mgw.core.spi.DeliveryResult;
import io.mgw.smpp.common.PduWriter;
import io.mgw.smpp.common.SmppCommand;
import io.mgw.smpp.common.Tlv;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Each kind of bad input gets the protocol's answer and hurts nobody else (issue 3, "Bad input and what it gets"). */
class SmppServerBadInputIT {

    private ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(ServerHarness.account("esme"),
                ServerHarness.account("limited", 10, 5, List.of(), List.of(), "hex", 5),
                ServerHarness.account("fenced", 10, 0, List.of(), List.of("4930", "re:49151\\d+"), "hex", 5),
                ServerHarness.account("narrow", 2, 0, List.of(), List.of(), "hex", 5));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void submitBeforeBindIsInvalidBindStatusAndTheSessionLives() throws Exception {
        try (RawClient c = h.raw()) {
            c.send(RawClient.submitPdu(5, "4915100000001", 1, 0, text("too early")));
            RawClient.Pdu resp = c.read();
            assertThat(resp.commandId()).isEqualTo(0x80000004);
            assertThat(resp.status()).isEqualTo(ESME_RINVBNDSTS);
            assertThat(resp.sequence()).isEqualTo(5);
            assertThat(c.bind(SmppCommand.BIND_TRANSMITTER, "esme", ServerHarness.PASSWORD, 0x34).status())
                    .isEqualTo(ESME_ROK);
        }
        assertThat(h.ingress.received).isEmpty();
    }

    @Test
    void submitOnAReceiverBindIsInvalidBindStatus() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_RECEIVER, 0x34)) {
            c.send(RawClient.submitPdu(9, "4915100000001", 1, 0, text("wrong way")));
            RawClient.Pdu resp = c.read();
            assertThat(resp.status()).isEqualTo(ESME_RINVBNDSTS);
            assertThat(resp.sequence()).isEqualTo(9);
        }
        assertThat(h.ingress.received).isEmpty();
    }

    @Test
    void commandLengthBelow16IsNackedThenClosed() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            c.send(new byte[] {0, 0, 0, 8, 0, 0, 0, 0x15});
            RawClient.Pdu nack = c.read();
            assertThat(nack.commandId()).isEqualTo(SmppCommand.GENERIC_NACK);
            assertThat(nack.status()).isEqualTo(ESME_RINVCMDLEN);
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void commandLengthAboveTheLimitIsNackedWithItsSequenceThenClosed() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            byte[] header = PduWriter.header(SmppCommand.SUBMIT_SM, 0, 4242);
            header[0] = 0x7F; // command_length ~2 GiB: must not be allocated
            c.send(header);
            RawClient.Pdu nack = c.read();
            assertThat(nack.commandId()).isEqualTo(SmppCommand.GENERIC_NACK);
            assertThat(nack.status()).isEqualTo(ESME_RINVCMDLEN);
            assertThat(nack.sequence()).isEqualTo(4242);
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void unknownCommandIdIsNackedAndTheSessionLives() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            c.send(new PduWriter(0x00000777, 0, 31).u32(0xCAFEBABE).toBytes());
            RawClient.Pdu nack = c.read();
            assertThat(nack.commandId()).isEqualTo(SmppCommand.GENERIC_NACK);
            assertThat(nack.status()).isEqualTo(ESME_RINVCMDID);
            assertThat(nack.sequence()).isEqualTo(31);
            assertThat(c.submit("4915100000001", "after garbage").status()).isEqualTo(ESME_ROK);
        }
    }

    @Test
    void unknownCommandIdBeforeBindIsNackedToo() throws Exception {
        try (RawClient c = h.raw()) {
            c.send(PduWriter.header(0x00000777, 0, 3));
            assertThat(c.read().status()).isEqualTo(ESME_RINVCMDID);
            assertThat(c.bind(SmppCommand.BIND_TRANSMITTER, "esme", ServerHarness.PASSWORD, 0x34).status())
                    .isEqualTo(ESME_ROK);
        }
    }

    @Test
    void truncatedMandatoryFieldsAreInvalidCommandLengthAndTheSessionLives() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            // service_type, source ton/npi/addr, then the body ends
            byte[] pdu = new PduWriter(SmppCommand.SUBMIT_SM, 0, 12).cString("").u8(1).u8(1).cString("4915").toBytes();
            c.send(pdu);
            RawClient.Pdu resp = c.read();
            assertThat(resp.commandId()).isEqualTo(0x80000004);
            assertThat(resp.status()).isEqualTo(ESME_RINVCMDLEN);
            assertThat(resp.sequence()).isEqualTo(12);
            assertThat(c.submit("4915100000001", "next one fine").status()).isEqualTo(ESME_ROK);
        }
    }

    @Test
    void truncatedBindIsRefusedWithoutKillingTheConnection() throws Exception {
        try (RawClient c = h.raw()) {
            c.send(new PduWriter(SmppCommand.BIND_TRANSMITTER, 0, 1).cString("esme").toBytes());
            RawClient.Pdu resp = c.read();
            assertThat(resp.commandId()).isEqualTo(0x80000002);
            assertThat(resp.status()).isEqualTo(ESME_RINVCMDLEN);
            assertThat(c.bind(SmppCommand.BIND_TRANSMITTER, "esme", ServerHarness.PASSWORD, 0x34).status())
                    .isEqualTo(ESME_ROK);
        }
    }

    @Test
    void smLengthLongerThanTheBodyIsInvalidMessageLength() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            byte[] pdu = RawClient.submitPdu(14, "4915100000001", 1, 0, text("abc"));
            pdu[pdu.length - 4] = (byte) 120; // sm_length says 120, 3 octets follow
            c.send(pdu);
            RawClient.Pdu resp = c.read();
            assertThat(resp.status()).isEqualTo(ESME_RINVMSGLEN);
            assertThat(resp.sequence()).isEqualTo(14);
            assertThat(c.submit("4915100000001", "ok").status()).isEqualTo(ESME_ROK);
        }
    }

    @Test
    void invalidDataCodingIsSubmitFailOn34() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            c.send(RawClient.submitPdu(2, "4915100000001", 0x05, 0, text("jis?")));
            assertThat(c.read().status()).isEqualTo(ESME_RSUBMITFAIL);
        }
        assertThat(h.ingress.received).isEmpty();
    }

    @Test
    void invalidDataCodingIsInvalidDcsOn50() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSMITTER, 0x50)) {
            c.send(RawClient.submitPdu(2, "4915100000001", 0x0B, 0, text("reserved")));
            assertThat(c.read().status()).isEqualTo(ESME_RINVDCS);
        }
    }

    @Test
    void destinationTheAccountMayNotReachIsInvalidDestination() throws Exception {
        try (RawClient c = h.bound("fenced", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            assertThat(c.submit("4420000000", "not allowed").status()).isEqualTo(ESME_RINVDSTADR);
            assertThat(c.submit("4930123456", "prefix ok").status()).isEqualTo(ESME_ROK);
            assertThat(c.submit("4915199999", "regex ok").status()).isEqualTo(ESME_ROK);
        }
        assertThat(h.ingress.received).hasSize(2);
    }

    @Test
    void emptyDestinationIsInvalidDestination() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            assertThat(c.submit("", "to nobody").status()).isEqualTo(ESME_RINVDSTADR);
        }
    }

    @Test
    void submitsOverTheAccountRateAreThrottled() throws Exception {
        try (RawClient c = h.bound("limited", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            int ok = 0;
            int throttled = 0;
            for (int i = 0; i < 8; i++) {
                int status = c.submit("4915100000001", "n" + i).status();
                if (status == ESME_ROK) {
                    ok++;
                } else if (status == ESME_RTHROTTLED) {
                    throttled++;
                }
            }
            assertThat(ok).isBetween(5, 6); // 5/s; a refresh may fall inside the loop
            assertThat(throttled).isEqualTo(8 - ok);
            assertThat(h.counter("gateway.smpp.submit.rejected", "status", hex(ESME_RTHROTTLED))).isEqualTo(throttled);
        }
    }

    @Test
    void rateIsCountedInSegmentsAndSharedAcrossTheAccountsSessions() throws Exception {
        try (RawClient a = h.bound("limited", SmppCommand.BIND_TRANSMITTER, 0x34);
                RawClient b = h.bound("limited", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            // 400 GSM characters in message_payload = 3 segments
            byte[] none = new byte[0];
            a.send(RawClient.submitPdu(a.nextSequence(), "4915100000001", 0, 0, none,
                    new Tlv(Tlv.MESSAGE_PAYLOAD, text("y".repeat(400)))));
            assertThat(a.read().status()).isEqualTo(ESME_ROK);
            assertThat(b.submit("4915100000001", "1").status()).isEqualTo(ESME_ROK);
            assertThat(b.submit("4915100000001", "2").status()).isEqualTo(ESME_ROK);
            assertThat(b.submit("4915100000001", "3").status()).isEqualTo(ESME_RTHROTTLED);
        }
    }

    @Test
    void moreOutstandingSubmitsThanTheWindowAreThrottled() throws Exception {
        h.ingress.mode = TestIngress.Mode.MANUAL;
        try (RawClient c = h.bound("narrow", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            for (int i = 1; i <= 3; i++) {
                c.send(RawClient.submitPdu(100 + i, "4915100000001", 1, 0, text("w" + i)));
            }
            RawClient.Pdu third = c.read();
            assertThat(third.sequence()).isEqualTo(103);
            assertThat(third.status()).isEqualTo(ESME_RTHROTTLED);
            await().atMost(Duration.ofSeconds(5)).until(() -> h.ingress.held.size() == 2);
            h.ingress.release();
            List<RawClient.Pdu> rest = List.of(c.read(), c.read());
            assertThat(rest).extracting(RawClient.Pdu::status).containsOnly(ESME_ROK);
            assertThat(rest).extracting(RawClient.Pdu::sequence).containsExactlyInAnyOrder(101, 102);
        }
    }

    @Test
    void submitIsAnsweredOnlyAfterIngressCompletes() throws Exception {
        h.ingress.mode = TestIngress.Mode.MANUAL;
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            c.socket.setSoTimeout(300);
            c.send(RawClient.submitPdu(1, "4915100000001", 1, 0, text("wait for it")));
            await().atMost(Duration.ofSeconds(5)).until(() -> h.ingress.held.size() == 1);
            assertThat(c.closedByPeer()).isFalse(); // nothing arrived within 300 ms, connection still up
            assertThat(h.ingress.durable).isEmpty();
            h.ingress.release();
            c.socket.setSoTimeout(15_000);
            RawClient.Pdu resp = c.read();
            assertThat(resp.status()).isEqualTo(ESME_ROK);
            assertThat(resp.firstCString()).isEqualTo(h.ingress.durableList().get(0).id().toString());
        }
    }

    @Test
    void ingressFailureIsSystemErrorAndNothingIsAcknowledged() throws Exception {
        h.ingress.mode = TestIngress.Mode.FAIL;
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            for (int i = 0; i < 5; i++) {
                RawClient.Pdu resp = c.submit("4915100000001", "kafka is down " + i);
                assertThat(resp.status()).isEqualTo(ESME_RSYSERR);
                assertThat(resp.bytes()).hasSize(16); // no message_id
            }
            assertThat(h.ingress.durable).isEmpty();
            h.ingress.mode = TestIngress.Mode.IMMEDIATE;
            assertThat(c.submit("4915100000001", "back").status()).isEqualTo(ESME_ROK);
        }
    }

    /**
     * An ingress that refuses everything (Kafka away) must not cost a log line per submit: at thousands a second that
     * fills the disk. Each refusal is answered and counted; the log gets ten lines a minute at most.
     */
    @Test
    void anIngressThatRefusesEverySubmitIsLoggedTenTimesAMinuteAtMost() throws Exception {
        h.ingress.mode = TestIngress.Mode.FAIL;
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger sessionLog = logging.getLogger(ServerSession.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.setContext(logging);
        lines.start();
        sessionLog.addAppender(lines);
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            for (int i = 0; i < 40; i++) {
                assertThat(c.submit("4915100000001", "kafka is down " + i).status()).isEqualTo(ESME_RSYSERR);
            }
        } finally {
            sessionLog.detachAppender(lines);
        }
        assertThat(h.ingress.durable).isEmpty();
        assertThat(lines.list.stream().filter(e -> e.getFormattedMessage().contains("ingress refused")).count())
                .isBetween(0L, 10L);
    }

    @Test
    void messagePayloadTogetherWithShortMessageIsInvalidMessageLength() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            c.send(RawClient.submitPdu(1, "4915100000001", 1, 0, text("a"), new Tlv(Tlv.MESSAGE_PAYLOAD, text("b"))));
            assertThat(c.read().status()).isEqualTo(ESME_RINVMSGLEN);
        }
    }

    @Test
    void badValidityPeriodIsInvalidExpiry() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            c.send(RawClient.submitPdu(1, "4915100000001", 1, 0, 0, "26139912000000X", text("a")));
            assertThat(c.read().status()).isEqualTo(ESME_RINVEXPIRY);
        }
    }

    /**
     * A receiver that stops reading: deliver_sm pile up unanswered; the target reports not ready once the window is
     * full, refuses more with RETRY at once, and nothing is queued beyond the window.
     */
    @Test
    void clientThatStopsReadingFillsTheDeliverWindowAndGetsNoMore() throws Exception {
        try (RawClient c = h.bound("narrow", SmppCommand.BIND_RECEIVER, 0x34)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> h.deliveries.open("narrow").size() == 1);
            ClientDeliveryTarget target = h.deliveries.open("narrow").get(0).target();
            assertThat(target.isReady()).isTrue();
            List<CompletionStage<DeliveryResult>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                results.add(target.deliver(report(i)));
            }
            assertThat(target.isReady()).isFalse();
            var extra = target.deliver(report(99)).toCompletableFuture();
            assertThat(extra).isCompletedWithValue(DeliveryResult.RETRY);
            // the client never answers: after the response timeout each outstanding one is RETRY, window frees
            c.read();
            c.read();
            h.server.close(); // session loss also ends them as RETRY
            for (var r : results) {
                assertThat(r.toCompletableFuture().get(15, java.util.concurrent.TimeUnit.SECONDS))
                        .isEqualTo(DeliveryResult.RETRY);
            }
        }
    }

    @Test
    void pdusIllegalForAnEsmeAreRefused() throws Exception {
        try (RawClient c = h.bound("esme", SmppCommand.BIND_TRANSCEIVER, 0x34)) {
            c.send(RawClient.submitPdu(1, "49", 1, 0, text("x")).clone());
            c.read();
            byte[] deliver = RawClient.submitPdu(2, "4915100000001", 1, 0, text("x"));
            deliver[7] = 0x05; // same layout as submit_sm, command_id deliver_sm
            c.send(deliver);
            RawClient.Pdu resp = c.read();
            assertThat(resp.commandId()).isEqualTo(0x80000005);
            assertThat(resp.status()).isEqualTo(ESME_RINVBNDSTS);
            c.send(PduWriter.header(SmppCommand.OUTBIND, 0, 3));
            assertThat(c.read().status()).isEqualTo(ESME_RINVCMDID);
        }
    }

    private static ClientDelivery report(int i) {
        MessageId id = new MessageId(i, i);
        Instant now = Instant.now();
        return new ClientDelivery.Report("narrow", new DeliveryReport(id, MessageStatus.DELIVERED, 0, "", now, now, 1,
                1, ""), Address.of("Sender"), Address.msisdn("4915100000001"), "hello");
    }

    static byte[] copy(byte[] b) {
        return Arrays.copyOf(b, b.length);
    }
}
