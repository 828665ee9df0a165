package io.mgw.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mgw.core.model.Concat;
import io.mgw.core.model.MessageId;
import io.mgw.core.segment.UserDataHeader;
import io.mgw.core.text.DataCoding;
import io.mgw.core.text.Gsm7;
import io.mgw.core.wire.WireFormat;
import io.mgw.core.wire.WireFormatException;
import java.util.Optional;

/**
 * Coverage-guided fuzzing (Jazzer) of gateway-core's decoders, which read what peers send (user data headers, GSM
 * 7-bit and other data codings, message ids) and what is read back from Kafka (the wire format).
 *
 * <p>The oracle: nothing but the decoder's documented error escapes, and what decodes survives a round trip. In
 * {@code ./mvnw verify} each test runs over its seeds in {@code src/test/resources/io/mgw/core/DecodersFuzzTestInputs/}
 * (inputs that once failed are kept there); {@code JAZZER_FUZZ=1 ./mvnw -pl gateway-core test
 * -Dtest=DecodersFuzzTest#udh} fuzzes one of them (docs/FUZZING.md).
 */
class DecodersFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void udh(FuzzedDataProvider in) {
        byte[] data = in.consumeRemainingAsBytes();
        UserDataHeader h;
        try {
            h = UserDataHeader.parse(data);
        } catch (IllegalArgumentException e) {
            return;
        }
        assertThat(h.length()).isBetween(1, data.length);
        Optional<Concat> c = h.concat();
        c.ifPresent(concat -> assertThat(concat.sequence()).isBetween(1, concat.total()));
        // the parsed header is the first length() octets, and parses again to the same
        assertThat(UserDataHeader.parse(h.raw()).elements()).isEqualTo(h.elements());
    }

    @FuzzTest(maxDuration = "30s")
    void gsm7(FuzzedDataProvider in) {
        int fillBits = in.consumeInt(0, 6);
        byte[] packed = in.consumeRemainingAsBytes();
        // any octets unpack and decode: a peer's packed text never throws
        byte[] septets = Gsm7.unpackAll(packed, fillBits);
        String text = Gsm7.decode(septets);
        // the decoder's tolerance (ESC before an undefined code, ESC ESC, a lone ESC) yields only characters of the
        // two tables, so the text encodes again, and packs and unpacks to itself
        assertThat(Gsm7.canEncode(text)).isTrue();
        byte[] again = Gsm7.encode(text);
        byte[] repacked = Gsm7.pack(again, fillBits);
        assertThat(Gsm7.decode(Gsm7.unpack(repacked, again.length, fillBits))).isEqualTo(text);
    }

    @FuzzTest(maxDuration = "30s")
    void dataCoding(FuzzedDataProvider in) {
        int dataCoding = in.consumeInt(0, 255);
        byte[] octets = in.consumeRemainingAsBytes();
        try {
            assertThat(DataCoding.decode(octets, dataCoding)).isNotNull();
        } catch (IllegalArgumentException e) {
            // binary or invalid data_coding, or UCS-2 of odd length: documented
        }
    }

    @FuzzTest(maxDuration = "30s")
    void messageId(FuzzedDataProvider in) {
        String text = in.consumeRemainingAsString();
        MessageId id;
        try {
            id = MessageId.parse(text);
        } catch (IllegalArgumentException e) {
            return;
        }
        assertThat(MessageId.parse(id.toString())).isEqualTo(id);
    }

    @FuzzTest(maxDuration = "60s")
    void wireFormat(FuzzedDataProvider in) {
        int kind = in.consumeInt(0, 3);
        byte[] bytes = in.consumeRemainingAsBytes();
        try {
            switch (kind) {
                case 0 -> {
                    var m = WireFormat.decodeMessage(bytes);
                    assertThat(WireFormat.decodeMessage(WireFormat.encodeMessage(m))).isEqualTo(m);
                }
                case 1 -> {
                    var r = WireFormat.decodeReport(bytes);
                    assertThat(WireFormat.decodeReport(WireFormat.encodeReport(r))).isEqualTo(r);
                }
                case 2 -> {
                    var d = WireFormat.decodeClientDelivery(bytes);
                    assertThat(WireFormat.decodeClientDelivery(WireFormat.encodeClientDelivery(d))).isEqualTo(d);
                }
                default -> {
                    var r = WireFormat.decodeReceipt(bytes);
                    assertThat(WireFormat.decodeReceipt(WireFormat.encodeReceipt(r))).isEqualTo(r);
                }
            }
        } catch (WireFormatException e) {
            // not a valid record: documented
        }
    }
}
