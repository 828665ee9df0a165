package io.mgw.smpp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.model.Concat;
import io.mgw.core.model.Content;
import io.mgw.core.model.Message;
import io.mgw.core.segment.SegmentationMode;
import io.mgw.core.segment.SegmentationPolicy;
import io.mgw.core.text.EncodingPreference;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SubmitPduTest {

    private static final SegmentationPolicy UDH8 =
            new SegmentationPolicy(EncodingPreference.GSM7_OR_UCS2, SegmentationMode.UDH8, 10, false);

    private static Message part(String text, Concat c) {
        return TestMessages.text(text).withContent(new Content.Text(text), Optional.of(c));
    }

    @Test
    void shortTextIsOnePduWithoutHeader() {
        List<SubmitPdu> pdus = SubmitPdu.of(TestMessages.text("hi"), UDH8, 5);
        assertThat(pdus).hasSize(1);
        assertThat(pdus.getFirst().esmClass()).isZero();
        assertThat(pdus.getFirst().shortMessage()).containsExactly('h', 'i');
    }

    @Test
    void presplitPartGetsAnEightBitUdhWithTheSendersNumbers() {
        SubmitPdu p = SubmitPdu.of(part("abc", new Concat(0x7F, 4, 3, false)), UDH8, 99).getFirst();
        assertThat(p.esmClass()).isEqualTo(0x40);
        assertThat(p.shortMessage()).containsExactly(0x05, 0x00, 0x03, 0x7F, 4, 3, 'a', 'b', 'c');
    }

    @Test
    void presplitPartGetsSarTlvsUnderSar() {
        var sar = new SegmentationPolicy(EncodingPreference.GSM7_OR_UCS2, SegmentationMode.SAR, 10, false);
        SubmitPdu p = SubmitPdu.of(part("abc", new Concat(300, 2, 1, true)), sar, 0).getFirst();
        assertThat(p.esmClass()).isZero();
        assertThat(p.sar()).isPresent();
        assertThat(p.sar().get().reference()).isEqualTo(300);
        assertThat(p.sar().get().total()).isEqualTo(2);
        assertThat(p.sar().get().sequence()).isEqualTo(1);
        assertThat(p.shortMessage()).containsExactly('a', 'b', 'c');
    }

    @Test
    void presplitPartIsReencodedInTheConnectorsEncoding() {
        var ucs2 = new SegmentationPolicy(EncodingPreference.UCS2, SegmentationMode.UDH8, 10, false);
        SubmitPdu p = SubmitPdu.of(part("ab", new Concat(1, 2, 2, false)), ucs2, 0).getFirst();
        assertThat(p.dataCoding()).isEqualTo(0x08);
        assertThat(new String(Arrays.copyOfRange(p.shortMessage(), 6, p.shortMessage().length),
                StandardCharsets.UTF_16BE)).isEqualTo("ab");
    }

    @Test
    void presplitPartIsPackedAfterItsUdhWhenAsked() {
        var packed = new SegmentationPolicy(EncodingPreference.GSM7_OR_UCS2, SegmentationMode.UDH8, 10, true);
        SubmitPdu p = SubmitPdu.of(part("aaaaaaa", new Concat(1, 2, 1, false)), packed, 0).getFirst();
        // 6-octet UDH, then 1 fill bit + 7 septets = 50 bits = 7 octets
        assertThat(p.shortMessage()).hasSize(6 + 7);
    }

    @Test
    void binaryWithUdhIsSentAsTheSenderBuiltIt() {
        byte[] udh = {0x06, 0x05, 0x04, 0x0B, (byte) 0x84, 0x23, (byte) 0xF0};
        Message m = TestMessages.text("").withContent(new Content.Binary(udh, new byte[] {1, 2, 3}, 0x04),
                Optional.empty());
        SubmitPdu p = SubmitPdu.of(m, UDH8, 0).getFirst();
        assertThat(p.esmClass()).isEqualTo(0x40);
        assertThat(p.dataCoding()).isEqualTo(0x04);
        assertThat(p.shortMessage()).hasSize(10).startsWith(udh);
    }

    @Test
    void multipartContentIsRefused() {
        Message m = TestMessages.text("").withContent(new Content.Multipart("s", List.of()), Optional.empty());
        assertThatThrownBy(() -> SubmitPdu.of(m, UDH8, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multipart");
    }

    @Test
    void textOverMaxSegmentsIsRefused() {
        var two = new SegmentationPolicy(EncodingPreference.GSM7_OR_UCS2, SegmentationMode.UDH8, 2, false);
        assertThatThrownBy(() -> SubmitPdu.of(TestMessages.text("x".repeat(400)), two, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * An ESME that splits UCS-2 every few code units cuts "😀" (U+1F600, two code units) between its parts. Each part
     * goes through the node on its own; what reaches the SMSC must still join to the character on the handset, under
     * UDH and under SAR, not to two U+FFFD.
     */
    @Test
    void anEmojiTheSenderSplitBetweenTwoPartsReachesTheSmscWhole() throws Exception {
        String text = "hi \uD83D\uDE00 there"; // 10 code units: "hi " + pair + " there"
        byte[] ucs2 = text.getBytes(StandardCharsets.UTF_16BE);
        byte[][] bodies = {Arrays.copyOfRange(ucs2, 0, 8), Arrays.copyOfRange(ucs2, 8, ucs2.length)}; // cut in pair
        var sar = new SegmentationPolicy(EncodingPreference.GSM7_OR_UCS2, SegmentationMode.SAR, 10, false);
        for (SegmentationPolicy policy : List.of(UDH8, sar)) {
            java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
            for (int seq = 1; seq <= 2; seq++) {
                byte[] udh = {5, 0, 3, 0x44, 2, (byte) seq};
                byte[] sm = new byte[udh.length + bodies[seq - 1].length];
                System.arraycopy(udh, 0, sm, 0, udh.length);
                System.arraycopy(bodies[seq - 1], 0, sm, udh.length, bodies[seq - 1].length);
                io.mgw.smpp.common.UserData.Decoded d = io.mgw.smpp.common.UserData.decode(0x08, 0x40, sm, List.of(),
                        0x45);
                assertThat(io.mgw.smpp.common.UserData.isText(d.content())).isTrue();
                Message m = io.mgw.core.wire.WireFormat.decodeMessage(io.mgw.core.wire.WireFormat.encodeMessage(
                        TestMessages.text("x").withContent(d.content(), d.concat())));
                SubmitPdu p = SubmitPdu.of(m, policy, 0).getFirst();
                assertThat(p.dataCoding()).isEqualTo(0x08);
                if (policy.mode() == SegmentationMode.SAR) {
                    assertThat(p.sar().orElseThrow().sequence()).isEqualTo(seq);
                    sent.writeBytes(p.shortMessage());
                } else {
                    assertThat(Arrays.copyOf(p.shortMessage(), 6)).containsExactly(udh);
                    sent.writeBytes(Arrays.copyOfRange(p.shortMessage(), 6, p.shortMessage().length));
                }
            }
            assertThat(new String(sent.toByteArray(), StandardCharsets.UTF_16BE)).isEqualTo(text);
        }
    }
}
