package io.mgw.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mgw.smpp.common.ShortMessageDecoder;
import io.mgw.smpp.common.ShortMessagePdu;
import io.mgw.smpp.common.SmppDecodeException;
import io.mgw.smpp.common.SmppStatus;
import io.mgw.smpp.common.SmppTime;
import io.mgw.smpp.common.UserData;
import io.mgw.smpp.receipt.ParsedReceipt;
import io.mgw.smpp.receipt.ReceiptParser;
import io.mgw.smpp.receipt.RemoteIdNormalizer;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Coverage-guided fuzzing (Jazzer) of what an SMPP peer's bytes go through before anything is queued: the PDU body
 * decoder of submit_sm, deliver_sm, submit_multi and data_sm, the user data (data_coding, UDH, SAR and
 * message_payload), the time fields, and receipts (text, TLVs, remote ids).
 *
 * <p>The oracle: nothing escapes but the documented refusal ({@link SmppDecodeException} with a status the PDU is
 * answered with, or {@link IllegalArgumentException} where the API says so), and a decoded submit_sm or deliver_sm
 * encodes back to a body that decodes the same. Seeds (and any input that once failed) are in
 * {@code src/test/resources/io/mgw/smpp/SmppDecodersFuzzTestInputs/}; see docs/FUZZING.md to fuzz.
 */
class SmppDecodersFuzzTest {

    private static final int[] COMMANDS = {0x00000004, 0x00000005, 0x00000021, 0x00000103};
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    @FuzzTest(maxDuration = "60s")
    void shortMessagePdu(FuzzedDataProvider in) {
        int command = COMMANDS[in.consumeInt(0, COMMANDS.length - 1)];
        int invalidDcs = in.consumeBoolean() ? SmppStatus.ESME_RINVDCS : SmppStatus.ESME_RSUBMITFAIL;
        byte[] body = in.consumeRemainingAsBytes();
        byte[] pdu = ByteBuffer.allocate(16 + body.length).putInt(16 + body.length).putInt(command).putInt(0)
                .putInt(7).put(body).array();
        ShortMessagePdu m;
        try {
            m = switch (command) {
                case 0x00000021 -> ShortMessageDecoder.submitMulti(pdu);
                case 0x00000103 -> ShortMessageDecoder.dataSm(pdu);
                default -> ShortMessageDecoder.submitOrDeliver(pdu);
            };
        } catch (SmppDecodeException e) {
            assertThat(e.status()).as("a refusal carries an error status").isNotZero();
            return;
        }
        if (command == 0x00000004 || command == 0x00000005) {
            try {
                ShortMessagePdu again = ShortMessageDecoder.submitOrDeliver(ShortMessageDecoder.encode(m));
                assertThat(again).usingRecursiveComparison().isEqualTo(m);
            } catch (SmppDecodeException e) {
                throw new AssertionError("a decoded PDU encoded again does not decode: " + e.getMessage(), e);
            }
        }
        try {
            UserData.Decoded d = UserData.decode(m.dataCoding(), m.esmClass(), m.shortMessage(), m.tlvs(),
                    invalidDcs);
            assertThat(d.content()).isNotNull();
            assertThat(d.octets()).isNotNegative();
        } catch (SmppDecodeException e) {
            assertThat(e.status()).isNotZero();
        }
        for (String time : new String[] {m.scheduleDeliveryTime(), m.validityPeriod()}) {
            try {
                assertThat(SmppTime.parse(time, NOW)).isNotNull();
            } catch (IllegalArgumentException e) {
                // not an absolute or relative SMPP time: documented
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void receipt(FuzzedDataProvider in) {
        Optional<String> tlvId = in.consumeBoolean() ? Optional.of(in.consumeString(70)) : Optional.empty();
        OptionalInt state = in.consumeBoolean() ? OptionalInt.of(in.consumeInt(0, 255)) : OptionalInt.empty();
        OptionalInt error = in.consumeBoolean() ? OptionalInt.of(in.consumeInt(0, 0xFFFF)) : OptionalInt.empty();
        String text = in.consumeRemainingAsString();
        ParsedReceipt r;
        try {
            r = ReceiptParser.parse(text, tlvId, state, error);
        } catch (IllegalArgumentException e) {
            return; // no message id in either the text or the TLV: documented
        }
        assertThat(r.status()).isNotNull();
        for (RemoteIdNormalizer.Format f : RemoteIdNormalizer.Format.values()) {
            RemoteIdNormalizer n = new RemoteIdNormalizer(f);
            assertThat(n.fromReceipt(r.remoteId())).isNotNull();
            assertThat(n.fromSubmitResponse(r.remoteId())).isNotNull();
        }
    }
}
