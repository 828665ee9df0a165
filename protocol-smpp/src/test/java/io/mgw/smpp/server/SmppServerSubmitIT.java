package io.mgw.smpp.server;

import static io.mgw.smpp.common.SmppStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mgw.core.model.AddressType;
import io.mgw.core.model.Concat;
import io.mgw.core.model.Content;
import io.mgw.core.model.Direction;
import io.mgw.core.model.EventType;
import io.mgw.core.model.Kind;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.ReportRequest;
import io.mgw.smpp.common.PduWriter;
import io.mgw.smpp.common.SmppCommand;
import io.mgw.smpp.common.Tlv;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** submit_sm, data_sm, submit_multi, query_sm and cancel_sm mapped onto the canonical model. */
class SmppServerSubmitIT {

    private ServerHarness h;
    private RawClient c;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(ServerHarness.account("esme"),
                ServerHarness.account("digits", 10, 0, List.of(), List.of(), "decimal", 5),
                ServerHarness.account("fenced", 10, 0, List.of(), List.of("49"), "hex", 5));
        c = h.bound("esme", SmppCommand.BIND_TRANSCEIVER, 0x34);
    }

    @AfterEach
    void stop() throws Exception {
        c.close();
        h.close();
    }

    private Message submitOk(byte[] pdu) throws Exception {
        c.send(pdu);
        RawClient.Pdu resp = c.readUntil(0x80000004);
        assertThat(resp.status()).as("status").isEqualTo(ESME_ROK);
        Message m = h.ingress.durableList().get(h.ingress.durable.size() - 1);
        assertThat(resp.firstCString()).isEqualTo(m.id().toString());
        return m;
    }

    @Test
    void gsm7TextWithAddressesOriginAndDefaults() throws Exception {
        byte[] gsm = {0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x20, 0x00, 0x02, 0x1B, 0x65}; // "Hello @$€"
        Instant before = Instant.now();
        Message m = submitOk(RawClient.submitPdu(c.nextSequence(), "4915100000001", 0, 0, gsm));
        assertThat(m.content()).isEqualTo(new Content.Text("Hello @$€"));
        assertThat(m.kind()).isEqualTo(Kind.SMS_TEXT);
        assertThat(m.direction()).isEqualTo(Direction.MT);
        assertThat(m.source().type()).isEqualTo(AddressType.ALPHANUMERIC);
        assertThat(m.source().value()).isEqualTo("Sender");
        assertThat(m.destination().type()).isEqualTo(AddressType.MSISDN);
        assertThat(m.destination().value()).isEqualTo("4915100000001");
        assertThat(m.origin().protocol()).isEqualTo("smpp");
        assertThat(m.origin().account()).isEqualTo("esme");
        assertThat(m.origin().node()).isEqualTo("node-1");
        assertThat(m.reportRequest()).isEqualTo(ReportRequest.NONE);
        assertThat(m.validUntil()).isCloseTo(before.plus(Duration.ofHours(48)), within(5, ChronoUnit.SECONDS));
        assertThat(m.concat()).isEmpty();
        assertThat(h.meters.find("gateway.smpp.submit.accepted").counter().count()).isEqualTo(1);
        assertThat(h.meters.find("gateway.smpp.submit.latency").timer().count()).isEqualTo(1);
    }

    @Test
    void ucs2Text() throws Exception {
        Message m = submitOk(RawClient.submitPdu(c.nextSequence(), "4915100000001", 8, 0,
                "Здравствуйте 👋".getBytes(StandardCharsets.UTF_16BE)));
        assertThat(m.content()).isEqualTo(new Content.Text("Здравствуйте 👋"));
    }

    @Test
    void latin1Text() throws Exception {
        Message m = submitOk(RawClient.submitPdu(c.nextSequence(), "4915100000001", 3, 0,
                "Grüße, señor".getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(m.content()).isEqualTo(new Content.Text("Grüße, señor"));
        assertThat(m.attribute("smpp.data_coding")).contains("3");
    }

    @Test
    void binaryWithUdhStaysBinary() throws Exception {
        byte[] sm = {6, 5, 4, 0x0B, (byte) 0x84, 0x23, (byte) 0xF0, 1, 2, 3};
        Message m = submitOk(RawClient.submitPdu(c.nextSequence(), "4915100000001", 0xF5, 0x40, sm));
        assertThat(m.kind()).isEqualTo(Kind.SMS_BINARY);
        assertThat(m.content()).isEqualTo(new Content.Binary(new byte[] {6, 5, 4, 0x0B, (byte) 0x84, 0x23, (byte) 0xF0},
                new byte[] {1, 2, 3}, 0xF5));
    }

    @Test
    void udhConcatenatedPartKeepsItsConcat() throws Exception {
        byte[] sm = {5, 0, 3, 0x55, 3, 2, 'p', 'a', 'r', 't'};
        Message m = submitOk(RawClient.submitPdu(c.nextSequence(), "4915100000001", 0, 0x40, sm));
        assertThat(m.content()).isEqualTo(new Content.Text("part"));
        assertThat(m.concat()).contains(new Concat(0x55, 3, 2, false));
        assertThat(m.attribute("smpp.udh")).contains("050003550302");
    }

    @Test
    void sarPartKeepsItsConcat() throws Exception {
        Message m = submitOk(RawClient.submitPdu(c.nextSequence(), "4915100000001", 0, 0, "sar".getBytes(),
                new Tlv(Tlv.SAR_MSG_REF_NUM, new byte[] {0x01, 0x02}), Tlv.ofByte(Tlv.SAR_TOTAL_SEGMENTS, 2),
                Tlv.ofByte(Tlv.SAR_SEGMENT_SEQNUM, 1)));
        assertThat(m.concat()).contains(new Concat(0x0102, 2, 1, true));
        assertThat(m.attributes()).doesNotContainKey("smpp.tlv.020c");
    }

    @Test
    void messagePayloadCarriesLongText() throws Exception {
        String longText = "The quick brown fox. ".repeat(30);
        Message m = submitOk(RawClient.submitPdu(c.nextSequence(), "4915100000001", 0, 0, new byte[0],
                new Tlv(Tlv.MESSAGE_PAYLOAD, longText.getBytes(StandardCharsets.US_ASCII))));
        assertThat(m.content()).isEqualTo(new Content.Text(longText));
    }

    @Test
    void fullSizeMessagePayloadFitsTheDefaultCommandLengthLimit() throws Exception {
        byte[] payload = new byte[65_535];
        java.util.Arrays.fill(payload, (byte) 'z');
        Message m = submitOk(RawClient.submitPdu(c.nextSequence(), "4915100000001", 0, 0, new byte[0],
                new Tlv(Tlv.MESSAGE_PAYLOAD, payload), new Tlv(0x1401, new byte[] {1})));
        assertThat(((Content.Text) m.content()).text()).hasSize(65_535);
    }

    @Test
    void validityScheduleReportRequestPriorityAndUnknownTlvs() throws Exception {
        Instant before = Instant.now();
        byte[] pdu = RawClient.submitPdu(c.nextSequence(), "4915100000001", 1, 0, 0x11, "000000020000000R",
                "x".getBytes(), new Tlv(0x1401, new byte[] {(byte) 0xAB, (byte) 0xCD}), Tlv.ofByte(0x0204, 7));
        Message m = submitOk(pdu);
        assertThat(m.validUntil()).isCloseTo(before.plus(Duration.ofHours(2)), within(5, ChronoUnit.SECONDS));
        assertThat(m.reportRequest()).isEqualTo(ReportRequest.INTERMEDIATE);
        assertThat(m.attribute("smpp.tlv.1401")).contains("abcd");
        assertThat(m.attribute("smpp.tlv.0204")).contains("07");
    }

    @Test
    void absoluteScheduleDeliveryTime() throws Exception {
        byte[] pdu = new PduWriter(SmppCommand.SUBMIT_SM, 0, c.nextSequence()).cString("").u8(0).u8(0).cString("1")
                .u8(1).u8(1).cString("4915100000001").u8(0).u8(0).u8(1).cString("351231235959000+").cString("")
                .u8(0).u8(0).u8(1).u8(0).u8(1).octets("s".getBytes()).toBytes();
        Message m = submitOk(pdu);
        assertThat(m.scheduleAt()).contains(Instant.parse("2035-12-31T23:59:59Z"));
        assertThat(m.priority()).isEqualTo(1);
    }

    @Test
    void decimalIdFormatAccount() throws Exception {
        try (RawClient d = h.bound("digits", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            RawClient.Pdu resp = d.submit("4915100000001", "digits please");
            assertThat(resp.status()).isEqualTo(ESME_ROK);
            MessageId id = h.ingress.durableList().get(0).id();
            assertThat(resp.firstCString()).isEqualTo(id.toDecimal()).matches("\\d+");
        }
    }

    @Test
    void dataSmIsAcceptedWithPayload() throws Exception {
        byte[] pdu = new PduWriter(SmppCommand.DATA_SM, 0, 55).cString("").u8(1).u8(1).cString("4930111")
                .u8(1).u8(1).cString("4915100000001").u8(0).u8(1).u8(0)
                .tlv(new Tlv(Tlv.MESSAGE_PAYLOAD, "data sm text".getBytes())).toBytes();
        c.send(pdu);
        RawClient.Pdu resp = c.readUntil(0x80000103);
        assertThat(resp.status()).isEqualTo(ESME_ROK);
        assertThat(resp.sequence()).isEqualTo(55);
        Message m = h.ingress.durableList().get(0);
        assertThat(resp.firstCString()).isEqualTo(m.id().toString());
        assertThat(m.content()).isEqualTo(new Content.Text("data sm text"));
        assertThat(m.reportRequest()).isEqualTo(ReportRequest.FINAL);
        assertThat(m.attribute("smpp.command")).contains("data_sm");
    }

    @Test
    void submitMultiFansOutAndListsTheUnsuccessful() throws Exception {
        try (RawClient f = h.bound("fenced", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            byte[] pdu = new PduWriter(SmppCommand.SUBMIT_MULTI, 0, 9).cString("").u8(1).u8(1).cString("4930111")
                    .u8(4)
                    .u8(1).u8(1).u8(1).cString("4915100000001")
                    .u8(1).u8(1).u8(1).cString("4420000000")
                    .u8(2).cString("friends")
                    .u8(1).u8(1).u8(1).cString("4915100000002")
                    .u8(0).u8(0).u8(0).cString("").cString("").u8(0).u8(0).u8(1).u8(0).u8(5).octets("multi".getBytes())
                    .toBytes();
            f.send(pdu);
            RawClient.Pdu resp = f.read();
            assertThat(resp.commandId()).isEqualTo(0x80000021);
            assertThat(resp.status()).isEqualTo(ESME_ROK);
            List<Message> ms = h.ingress.durableList();
            assertThat(ms).extracting(m -> m.destination().value())
                    .containsExactlyInAnyOrder("4915100000001", "4915100000002");
            assertThat(ms.get(0).id()).isNotEqualTo(ms.get(1).id());
            Message first = ms.stream().filter(m -> m.destination().value().equals("4915100000001")).findFirst()
                    .orElseThrow();
            assertThat(resp.firstCString()).isEqualTo(first.id().toString());
            // after message_id: no_unsuccess = 2, then {1,1,"4420000000",0x0B} and {0,0,"friends",0x34}
            String hex = java.util.HexFormat.of().formatHex(resp.bytes());
            String tail = "02" + "0101" + hex("4420000000") + "0000000b" + "0000" + hex("friends") + "00000034";
            assertThat(hex).endsWith(tail);
        }
    }

    @Test
    void querySmReportsTheStoredStateToTheOwnerOnly() throws Exception {
        Message m = submitOk(RawClient.submitPdu(c.nextSequence(), "4915100000001", 1, 0, "q".getBytes()));
        Instant t = Instant.parse("2026-11-23T10:00:00Z");
        h.store.recordMessage(m, new MessageEvent(t, EventType.ACCEPTED, MessageStatus.ACCEPTED, "", ""));
        RawClient.Pdu resp = query(c, m.id().toString());
        assertThat(resp.status()).isEqualTo(ESME_ROK);
        // message_id, final_date "" (not final), message_state 6, error_code 0
        assertThat(java.util.HexFormat.of().formatHex(resp.bytes()))
                .endsWith(hex(m.id().toString()) + "00" + "06" + "00");

        h.store.appendEvent(m.id(), new MessageEvent(t.plusSeconds(5), EventType.REPORT, MessageStatus.DELIVERED,
                "smsc", ""));
        resp = query(c, m.id().toString());
        assertThat(java.util.HexFormat.of().formatHex(resp.bytes()))
                .endsWith(hex(m.id().toString()) + hex("261123100005000+") + "02" + "00");

        try (RawClient other = h.bound("fenced", SmppCommand.BIND_TRANSMITTER, 0x34)) {
            assertThat(query(other, m.id().toString()).status()).isEqualTo(ESME_RQUERYFAIL);
        }
        assertThat(query(c, "not-an-id").status()).isEqualTo(ESME_RINVMSGID);
        assertThat(query(c, new MessageId(1, 2).toString()).status()).isEqualTo(ESME_RQUERYFAIL);
    }

    @Test
    void cancelSmMarksAPendingMessageDeletedAndRefusesAFinalOne() throws Exception {
        Message m = submitOk(RawClient.submitPdu(c.nextSequence(), "4915100000001", 1, 0, "c".getBytes()));
        h.store.recordMessage(m, new MessageEvent(Instant.now(), EventType.ACCEPTED, MessageStatus.ACCEPTED, "", ""));
        assertThat(cancel(c, m.id().toString()).status()).isEqualTo(ESME_ROK);
        assertThat(h.store.find(m.id()).orElseThrow().status()).isEqualTo(MessageStatus.DELETED);
        assertThat(h.store.find(m.id()).orElseThrow().history()).extracting(MessageEvent::type)
                .contains(EventType.CANCELLED);
        assertThat(cancel(c, m.id().toString()).status()).isEqualTo(ESME_RCANCELFAIL);
        assertThat(cancel(c, "").status()).isEqualTo(ESME_RCANCELFAIL);
    }

    @Test
    void queryAndCancelWhileTheStoreCannotBeReadAreSystemErrorsAndCounted() throws Exception {
        Message m = submitOk(RawClient.submitPdu(c.nextSequence(), "4915100000001", 1, 0, "r".getBytes()));
        h.store.recordMessage(m, new MessageEvent(Instant.now(), EventType.ACCEPTED, MessageStatus.ACCEPTED, "", ""));
        h.store.setFailReads(true);
        try {
            assertThat(query(c, m.id().toString()).status()).isEqualTo(ESME_RSYSERR);
            assertThat(cancel(c, m.id().toString()).status()).isEqualTo(ESME_RSYSERR);
        } finally {
            h.store.setFailReads(false);
        }
        assertThat(h.meters.get("gateway.smpp.request.failed").tag("command", "0x3").counter().count()).isEqualTo(1);
        assertThat(h.meters.get("gateway.smpp.request.failed").tag("command", "0x8").counter().count()).isEqualTo(1);
        // the session lives on, and the message was not cancelled
        assertThat(query(c, m.id().toString()).status()).isEqualTo(ESME_ROK);
        assertThat(h.store.find(m.id()).orElseThrow().status()).isEqualTo(MessageStatus.ACCEPTED);
    }

    private static RawClient.Pdu query(RawClient client, String id) throws Exception {
        client.send(new PduWriter(SmppCommand.QUERY_SM, 0, client.nextSequence()).cString(id).u8(0).u8(0).cString("")
                .toBytes());
        return client.readUntil(0x80000003);
    }

    private static RawClient.Pdu cancel(RawClient client, String id) throws Exception {
        client.send(new PduWriter(SmppCommand.CANCEL_SM, 0, client.nextSequence()).cString("").cString(id).u8(0)
                .u8(0).cString("").u8(0).u8(0).cString("").toBytes());
        return client.readUntil(0x80000008);
    }

    private static String hex(String s) {
        return java.util.HexFormat.of().formatHex(s.getBytes(StandardCharsets.ISO_8859_1)) + "00";
    }
}
