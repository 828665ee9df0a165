package io.mgw.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.model.Address;
import io.mgw.core.model.AddressType;
import io.mgw.core.model.Concat;
import io.mgw.core.model.Content;
import io.mgw.core.model.DeliveryReport;
import io.mgw.core.model.Direction;
import io.mgw.core.model.Kind;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.ReportRequest;
import io.mgw.core.spi.ClientDelivery;
import io.mgw.core.spi.SouthReceipt;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class WireFormatTest {

    private static Message roundTrip(Message m) {
        return WireFormat.decodeMessage(WireFormat.encodeMessage(m));
    }

    // ---- Message ----

    @Test
    void everyMessageFieldSurvivesARoundTrip() {
        Message m = Fixtures.fullMessage();

        Message back = roundTrip(m);

        assertThat(back).isEqualTo(m);
        // equals covers all fields; spell out the ones a lenient equals could hide
        assertThat(back.id()).isEqualTo(Fixtures.ID);
        assertThat(back.receivedAt()).isEqualTo(Fixtures.RECEIVED);
        assertThat(back.receivedAt().getNano()).isEqualTo(123_456_789);
        assertThat(back.scheduleAt()).contains(Fixtures.RECEIVED.plusSeconds(600));
        assertThat(back.concat()).contains(new Concat(0xBEEF, 3, 2, true));
        assertThat(back.destinations()).hasSize(2);
        assertThat(back.destinations().get(1)).isEqualTo(new Address(AddressType.SHORT_CODE, "12345", 3, 9));
        assertThat(back.attributes()).containsEntry("ünï", "cödé ✓").hasSize(3);
        assertThat(((Content.Text) back.content()).text()).isEqualTo("Grüße 👋 Ωμέγα 漢字 €");
    }

    @Test
    void emptyOptionalsAndDefaultsSurviveARoundTrip() {
        Message m = Fixtures.minimalMessage();

        Message back = roundTrip(m);

        assertThat(back).isEqualTo(m);
        assertThat(back.scheduleAt()).isEmpty();
        assertThat(back.concat()).isEmpty();
        assertThat(back.attributes()).isEmpty();
        assertThat(back.content()).isEqualTo(new Content.Text(""));
    }

    @Test
    void recordStartsWithFormatVersion() {
        byte[] bytes = WireFormat.encodeMessage(Fixtures.minimalMessage());

        assertThat(bytes[0]).isEqualTo((byte) 0x08); // field 1, varint
        assertThat(bytes[1]).isEqualTo((byte) WireFormat.FORMAT_VERSION);
        assertThat(WireFormat.encodeReport(Fixtures.fullReport())).startsWith(0x08, WireFormat.FORMAT_VERSION);
    }

    @Test
    void binaryContentWithUdhSurvives() {
        byte[] udh = {0x05, 0x00, 0x03, 0x2A, 0x02, 0x01};
        byte[] data = new byte[256];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        Message m = Fixtures.fullMessage().withContent(new Content.Binary(udh, data, 0xF5), Optional.empty());

        Message back = roundTrip(m);

        Content.Binary b = (Content.Binary) back.content();
        assertThat(b.udh()).containsExactly(udh);
        assertThat(b.data()).containsExactly(data);
        assertThat(b.dataCoding()).isEqualTo(0xF5);
        assertThat(back).isEqualTo(m);
    }

    @Test
    void binaryContentWithoutUdhSurvives() {
        Message m = Fixtures.minimalMessage()
                .withContent(new Content.Binary(new byte[0], new byte[] {0, 0, 0}, 0), Optional.empty());

        assertThat(roundTrip(m)).isEqualTo(m);
    }

    @Test
    void multipartContentSurvives() {
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10};
        var mp = new Content.Multipart("Урок ✓", List.of(
                new Content.Part("text/plain; charset=utf-8", "<t1>", "hällo".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                new Content.Part("image/jpeg", "<img1>", jpeg),
                new Content.Part("application/octet-stream", "", new byte[0])));
        Message m = Fixtures.fullMessage().withContent(mp, Optional.empty());

        Message back = roundTrip(m);

        assertThat(back.content()).isEqualTo(mp);
        assertThat(((Content.Multipart) back.content()).parts()).hasSize(3);
        assertThat(back).isEqualTo(m);
    }

    @Test
    void emptyMultipartSurvives() {
        Message m = Fixtures.minimalMessage().withContent(new Content.Multipart("", List.of()), Optional.empty());

        assertThat(roundTrip(m).content()).isEqualTo(new Content.Multipart("", List.of()));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyKindSurvives(Kind kind) {
        Message m = new Message.Builder().id(Fixtures.ID).kind(kind).origin(Fixtures.fullMessage().origin())
                .source(Address.of("a")).destination(Address.of("b")).receivedAt(Fixtures.RECEIVED).build();

        assertThat(roundTrip(m).kind()).isEqualTo(kind);
    }

    @ParameterizedTest
    @EnumSource(Direction.class)
    void everyDirectionSurvives(Direction direction) {
        Message m = Message.builder().id(Fixtures.ID).direction(direction).origin(Fixtures.fullMessage().origin())
                .source(Address.of("a")).destination(Address.of("b")).receivedAt(Fixtures.RECEIVED).build();

        assertThat(roundTrip(m).direction()).isEqualTo(direction);
    }

    @ParameterizedTest
    @EnumSource(ReportRequest.class)
    void everyReportRequestSurvives(ReportRequest request) {
        Message m = Message.builder().id(Fixtures.ID).reportRequest(request).origin(Fixtures.fullMessage().origin())
                .source(Address.of("a")).destination(Address.of("b")).receivedAt(Fixtures.RECEIVED).build();

        assertThat(roundTrip(m).reportRequest()).isEqualTo(request);
    }

    @ParameterizedTest
    @EnumSource(AddressType.class)
    void everyAddressTypeSurvives(AddressType type) {
        Address a = new Address(type, "x@y", 255, 18);
        Message m = Fixtures.fullMessage().withDestinations(List.of(a));

        assertThat(roundTrip(m).destination()).isEqualTo(a);
    }

    @Test
    void instantsBeforeTheEpochAndFarAheadSurvive() {
        Instant before = Instant.parse("1969-07-20T20:17:40.000000001Z");
        Instant far = Instant.parse("9999-12-31T23:59:59.999999999Z");
        Message m = Message.builder().id(Fixtures.ID).origin(Fixtures.fullMessage().origin()).source(Address.of("a"))
                .destination(Address.of("b")).receivedAt(before).validUntil(far).scheduleAt(Optional.of(Instant.EPOCH))
                .build();

        Message back = roundTrip(m);

        assertThat(back.receivedAt()).isEqualTo(before);
        assertThat(back.validUntil()).isEqualTo(far);
        assertThat(back.scheduleAt()).contains(Instant.EPOCH);
    }

    @Test
    void narrowConcatSurvives() {
        Message m = Fixtures.fullMessage().withContent(new Content.Text("x"), Optional.of(new Concat(0, 2, 1, false)));

        assertThat(roundTrip(m).concat()).contains(new Concat(0, 2, 1, false));
    }

    @Test
    void longTextSurvives() {
        String text = "ä€𝄞".repeat(20_000);
        Message m = Fixtures.fullMessage().withContent(new Content.Text(text), Optional.empty());

        assertThat(((Content.Text) roundTrip(m).content()).text()).isEqualTo(text);
    }

    @Test
    void encodeIsDeterministicForTheSameInstance() {
        Message m = Fixtures.fullMessage();

        assertThat(WireFormat.encodeMessage(m)).isEqualTo(WireFormat.encodeMessage(m));
    }

    // ---- DeliveryReport ----

    @Test
    void everyReportFieldSurvives() {
        DeliveryReport r = Fixtures.fullReport();

        assertThat(WireFormat.decodeReport(WireFormat.encodeReport(r))).isEqualTo(r);
    }

    @ParameterizedTest
    @EnumSource(MessageStatus.class)
    void everyStatusSurvives(MessageStatus status) {
        DeliveryReport r = new DeliveryReport(Fixtures.ID, status, 0, "", Instant.EPOCH, Fixtures.RECEIVED, 0, 0, "");

        assertThat(WireFormat.decodeReport(WireFormat.encodeReport(r))).isEqualTo(r);
    }

    // ---- ClientDelivery ----

    @Test
    void reportClientDeliverySurvives() {
        ClientDelivery d = new ClientDelivery.Report("acme", Fixtures.fullReport(), Address.msisdn("491511"),
                new Address(AddressType.SHORT_CODE, "4242", 3, 0), "Hallo Wélt");

        assertThat(WireFormat.decodeClientDelivery(WireFormat.encodeClientDelivery(d))).isEqualTo(d);
    }

    @Test
    void reportClientDeliveryWithEmptyStringsSurvives() {
        ClientDelivery d = new ClientDelivery.Report("", Fixtures.fullReport(), Address.of(""), Address.of(""), "");

        assertThat(WireFormat.decodeClientDelivery(WireFormat.encodeClientDelivery(d))).isEqualTo(d);
    }

    @Test
    void mobileOriginatedClientDeliverySurvives() {
        ClientDelivery d = new ClientDelivery.MobileOriginated("acme", Fixtures.fullMessage());

        ClientDelivery back = WireFormat.decodeClientDelivery(WireFormat.encodeClientDelivery(d));

        assertThat(back).isEqualTo(d);
        assertThat(back).isInstanceOf(ClientDelivery.MobileOriginated.class);
    }

    // ---- SouthReceipt ----

    @Test
    void receiptWithDatesSurvives() {
        SouthReceipt r = new SouthReceipt("smsc-1", "0A1B2C", MessageStatus.DELIVERED, 0,
                Optional.of(Instant.parse("2026-11-23T09:00:00Z")), Optional.of(Instant.parse("2026-11-23T09:01:00Z")),
                Fixtures.RECEIVED);

        assertThat(WireFormat.decodeReceipt(WireFormat.encodeReceipt(r))).isEqualTo(r);
    }

    @Test
    void receiptWithHandsetAndQuotedTextSurvives() {
        SouthReceipt r = new SouthReceipt("smsc-1", "0A1B2C", MessageStatus.DELIVERED, 0, Optional.empty(),
                Optional.empty(), Fixtures.RECEIVED, "+447700900123", "Grüße, 你好");

        SouthReceipt back = WireFormat.decodeReceipt(WireFormat.encodeReceipt(r));

        assertThat(back).isEqualTo(r);
        assertThat(back.handset()).isEqualTo("+447700900123");
        assertThat(back.excerpt()).isEqualTo("Grüße, 你好");
    }

    @Test
    void aReceiptKeepsTheFirstTwentyCharactersOfItsQuote() {
        SouthReceipt r = new SouthReceipt("smsc-1", "1", MessageStatus.DELIVERED, 0, Optional.empty(),
                Optional.empty(), Fixtures.RECEIVED, "", "0123456789abcdefghijKLMNOP");

        assertThat(r.excerpt()).isEqualTo("0123456789abcdefghij").hasSize(SouthReceipt.EXCERPT);
    }

    @Test
    void receiptWithoutDatesSurvives() {
        SouthReceipt r = new SouthReceipt("smsc-1", "42", MessageStatus.REJECTED, 0x45, Optional.empty(),
                Optional.empty(), Fixtures.RECEIVED);

        assertThat(WireFormat.decodeReceipt(WireFormat.encodeReceipt(r))).isEqualTo(r);
    }

    @Test
    void receiptWithNullFieldIsRefusedOnEncode() {
        SouthReceipt r = new SouthReceipt(null, "42", MessageStatus.REJECTED, 0, Optional.empty(), Optional.empty(),
                Fixtures.RECEIVED);

        assertThatThrownBy(() -> WireFormat.encodeReceipt(r)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("connector");
    }

    // ---- bad input: each its own case ----

    @Test
    void emptyBytesAreRejected() {
        assertThatThrownBy(() -> WireFormat.decodeMessage(new byte[0])).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("format_version");
        assertThatThrownBy(() -> WireFormat.decodeReport(new byte[0])).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> WireFormat.decodeClientDelivery(new byte[0]))
                .isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> WireFormat.decodeReceipt(new byte[0])).isInstanceOf(WireFormatException.class);
    }

    @Test
    void missingFormatVersionIsRejected() {
        byte[] full = WireFormat.encodeMessage(Fixtures.fullMessage());
        byte[] withoutVersion = java.util.Arrays.copyOfRange(full, 2, full.length);

        assertThatThrownBy(() -> WireFormat.decodeMessage(withoutVersion)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("format_version");
    }

    @Test
    void missingRequiredFieldIsRejected() {
        byte[] noSource = new ProtoWriter().uint32(1, 1).fixed64(2, 1).fixed64(3, 2).uint32(5, 1)
                .nested(6, new ProtoWriter().string(1, "smpp"))
                .nested(8, new ProtoWriter().string(2, "49"))
                .nested(9, new ProtoWriter().string(1, "hi"))
                .timestamp(13, Instant.EPOCH).timestamp(14, Instant.EPOCH).toBytes();

        assertThatThrownBy(() -> WireFormat.decodeMessage(noSource)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("source");
    }

    @Test
    void missingContentIsRejected() {
        byte[] noContent = new ProtoWriter().uint32(1, 1).fixed64(2, 1).fixed64(3, 2).uint32(5, 1)
                .nested(6, new ProtoWriter().string(1, "smpp"))
                .nested(7, new ProtoWriter().string(2, "a"))
                .nested(8, new ProtoWriter().string(2, "49"))
                .timestamp(13, Instant.EPOCH).timestamp(14, Instant.EPOCH).toBytes();

        assertThatThrownBy(() -> WireFormat.decodeMessage(noContent)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("content");
    }

    @Test
    void groupWireTypeIsRejected() {
        byte[] group = {0x08, 0x01, (byte) 0xA3, 0x01, (byte) 0xA4, 0x01}; // version 1, field 20 start+end group

        assertThatThrownBy(() -> WireFormat.decodeMessage(group)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("group");
    }

    @Test
    void deeplyNestedGroupsAreRejectedWithoutStackOverflow() {
        byte[] bomb = new byte[200_000];
        bomb[0] = 0x08;
        bomb[1] = 0x01;
        for (int i = 2; i < bomb.length; i++) {
            bomb[i] = 0x0B; // field 1, start group, again and again
        }

        assertThatThrownBy(() -> WireFormat.decodeMessage(bomb)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void invalidWireTypeIsRejected() {
        byte[] bad = {0x08, 0x01, (byte) 0xA6, 0x01, 0x00}; // field 20, wire type 6

        assertThatThrownBy(() -> WireFormat.decodeMessage(bad)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void lengthPastTheEndIsRejected() {
        byte[] bad = {0x08, 0x01, 0x32, 0x7F, 0x0A, 0x01, 0x61}; // origin says 127 bytes, 3 follow

        assertThatThrownBy(() -> WireFormat.decodeMessage(bad)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void negativeLengthIsRejected() {
        byte[] bad = {0x08, 0x01, 0x32, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 0x0A};

        assertThatThrownBy(() -> WireFormat.decodeMessage(bad)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void nestedLengthPastItsParentIsRejected() {
        // origin of 3 bytes, whose protocol string claims 5
        byte[] bad = {0x08, 0x01, 0x32, 0x03, 0x0A, 0x05, 0x61, 0x62, 0x63, 0x64};

        assertThatThrownBy(() -> WireFormat.decodeMessage(bad)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void invalidUtf8IsRejected() {
        byte[] bad = new ProtoWriter().uint32(1, 1).fixed64(2, 1).fixed64(3, 2)
                .bytes(6, new ProtoWriter().bytes(1, new byte[] {(byte) 0xC3, 0x28}).toBytes()).toBytes();

        assertThatThrownBy(() -> WireFormat.decodeMessage(bad)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void nanosOutOfRangeAreRejected() {
        byte[] bad = new ProtoWriter().uint32(1, 1).fixed64(2, 1).fixed64(3, 2)
                .nested(7, new ProtoWriter().int64(1, 1).int32(2, 1_000_000_000))
                .nested(8, new ProtoWriter().int64(1, 1).int32(2, 1_000_000_000)).toBytes();

        assertThatThrownBy(() -> WireFormat.decodeReport(bad)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("nanos");
    }

    @Test
    void instantOutOfJavaRangeIsRejected() {
        byte[] bad = new ProtoWriter().uint32(1, 1).fixed64(2, 1).fixed64(3, 2)
                .nested(7, new ProtoWriter().int64(1, Long.MAX_VALUE))
                .timestamp(8, Instant.EPOCH).toBytes();

        assertThatThrownBy(() -> WireFormat.decodeReport(bad)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void priorityOutOfRangeIsRejected() {
        Message m = Fixtures.fullMessage();
        byte[] bad = appendField(WireFormat.encodeMessage(m), new ProtoWriter().uint32(12, 9).toBytes());

        assertThatThrownBy(() -> WireFormat.decodeMessage(bad)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("priority");
    }

    @Test
    void concatSequenceAboveTotalIsRejected() {
        byte[] bad = appendField(WireFormat.encodeMessage(Fixtures.minimalMessage()),
                new ProtoWriter().nested(17, new ProtoWriter().uint32(2, 2).uint32(3, 3)).toBytes());

        assertThatThrownBy(() -> WireFormat.decodeMessage(bad)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("sequence");
    }

    @Test
    void unknownDirectionIsRejected() {
        byte[] bad = appendField(WireFormat.encodeMessage(Fixtures.fullMessage()),
                new ProtoWriter().uint32(5, 77).toBytes());

        assertThatThrownBy(() -> WireFormat.decodeMessage(bad)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("direction");
    }

    @Test
    void clientDeliveryWithoutBodyIsRejected() {
        byte[] bad = new ProtoWriter().uint32(1, 1).string(2, "acme").toBytes();

        assertThatThrownBy(() -> WireFormat.decodeClientDelivery(bad)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void receiptWithoutReceivedAtIsRejected() {
        byte[] bad = new ProtoWriter().uint32(1, 1).string(2, "smsc").toBytes();

        assertThatThrownBy(() -> WireFormat.decodeReceipt(bad)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("received_at");
    }

    @ParameterizedTest
    @ValueSource(strings = {"message", "report", "clientDelivery", "receipt"})
    void everyTruncationFailsWithWireFormatExceptionOrDecodesSomethingElse(String type) {
        byte[] full = encodeSample(type);

        for (int len = 0; len < full.length; len++) {
            byte[] prefix = java.util.Arrays.copyOf(full, len);
            Object decoded = decodeOrException(type, prefix);
            if (decoded instanceof Throwable t) {
                assertThat(t).as("prefix of %d bytes", len).isInstanceOf(WireFormatException.class);
            } else {
                assertThat(decoded).as("prefix of %d bytes", len).isNotEqualTo(decodeSample(type, full));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"message", "report", "clientDelivery", "receipt"})
    void randomBytesFailOnlyWithWireFormatException(String type) {
        var random = new java.util.Random(0x5EED);
        for (int i = 0; i < 5_000; i++) {
            byte[] junk = new byte[random.nextInt(64)];
            random.nextBytes(junk);
            if (junk.length > 2 && random.nextBoolean()) {
                junk[0] = 0x08; // a plausible start makes the decoder go deeper
                junk[1] = 0x01;
            }
            Object decoded = decodeOrException(type, junk);
            if (decoded instanceof Throwable t) {
                assertThat(t).as("input %s", java.util.HexFormat.of().formatHex(junk))
                        .isInstanceOf(WireFormatException.class);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"message", "report", "clientDelivery", "receipt"})
    void corruptedRecordsFailOnlyWithWireFormatException(String type) {
        byte[] full = encodeSample(type);
        var random = new java.util.Random(42);
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = full.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            Object decoded = decodeOrException(type, bytes);
            if (decoded instanceof Throwable t) {
                assertThat(t).as("input %s", java.util.HexFormat.of().formatHex(bytes))
                        .isInstanceOf(WireFormatException.class);
            }
        }
    }

    private static byte[] appendField(byte[] record, byte[] field) {
        byte[] out = java.util.Arrays.copyOf(record, record.length + field.length);
        System.arraycopy(field, 0, out, record.length, field.length);
        return out;
    }

    private static byte[] encodeSample(String type) {
        return switch (type) {
            case "message" -> WireFormat.encodeMessage(Fixtures.fullMessage());
            case "report" -> WireFormat.encodeReport(Fixtures.fullReport());
            case "clientDelivery" -> WireFormat.encodeClientDelivery(
                    new ClientDelivery.MobileOriginated("acme", Fixtures.fullMessage()));
            case "receipt" -> WireFormat.encodeReceipt(new SouthReceipt("smsc-1", "0A1B", MessageStatus.DELIVERED,
                    3, Optional.of(Fixtures.RECEIVED), Optional.of(Fixtures.RECEIVED), Fixtures.RECEIVED));
            default -> throw new IllegalArgumentException(type);
        };
    }

    private static Object decodeSample(String type, byte[] bytes) {
        return switch (type) {
            case "message" -> WireFormat.decodeMessage(bytes);
            case "report" -> WireFormat.decodeReport(bytes);
            case "clientDelivery" -> WireFormat.decodeClientDelivery(bytes);
            case "receipt" -> WireFormat.decodeReceipt(bytes);
            default -> throw new IllegalArgumentException(type);
        };
    }

    private static Object decodeOrException(String type, byte[] bytes) {
        try {
            return decodeSample(type, bytes);
        } catch (Throwable t) { // deliberately everything: the point is that only WireFormatException comes out
            return t;
        }
    }

    @Test
    void messageIdZeroIsStillPresent() {
        Message m = Fixtures.minimalMessage();

        assertThat(roundTrip(m).id()).isEqualTo(new MessageId(0, 0));
    }

    @Test
    void attributesWithEmptyKeyOrValueSurvive() {
        Message m = Fixtures.minimalMessage().withAttributes(Map.of("", "v", "k", ""));

        assertThat(roundTrip(m).attributes()).isEqualTo(Map.of("", "v", "k", ""));
    }
}
