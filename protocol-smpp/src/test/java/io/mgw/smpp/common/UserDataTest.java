package io.mgw.smpp.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.mgw.core.model.Concat;
import io.mgw.core.model.Content;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UserDataTest {

    private static int status(ThrowingRunnable r) {
        try {
            r.run();
        } catch (SmppDecodeException e) {
            return e.status();
        }
        throw new AssertionError("no SmppDecodeException");
    }

    interface ThrowingRunnable {
        void run() throws SmppDecodeException;
    }

    @Test
    void gsm7UnpackedText() throws Exception {
        UserData.Decoded d = UserData.decode(0, 0, new byte[] {0x48, 0x69, 0x00, 0x02}, List.of(), 0x45);
        assertThat(d.content()).isEqualTo(new Content.Text("Hi@$"));
        assertThat(d.concat()).isEmpty();
    }

    @Test
    void ucs2Text() throws Exception {
        UserData.Decoded d = UserData.decode(8, 0, "Привет".getBytes(StandardCharsets.UTF_16BE), List.of(), 0x45);
        assertThat(d.content()).isEqualTo(new Content.Text("Привет"));
    }

    @Test
    void udhConcatKeptAndTextDecodedAfterIt() throws Exception {
        byte[] sm = {5, 0, 3, 0x2A, 2, 1, 'a', 'b'};
        UserData.Decoded d = UserData.decode(0, 0x40, sm, List.of(), 0x45);
        assertThat(d.content()).isEqualTo(new Content.Text("ab"));
        assertThat(d.concat()).contains(new Concat(0x2A, 2, 1, false));
        assertThat(d.udh()).containsExactly(5, 0, 3, 0x2A, 2, 1);
    }

    @Test
    void sixteenBitUdhConcat() throws Exception {
        byte[] sm = {6, 8, 4, 0x12, 0x34, 3, 3, 'x'};
        assertThat(UserData.decode(0, 0x40, sm, List.of(), 0x45).concat()).contains(new Concat(0x1234, 3, 3, true));
    }

    @Test
    void aUcs2PartCutInsideASurrogatePairStaysOctetsButCountsAsText() throws Exception {
        byte[] sm = {5, 0, 3, 9, 2, 1, 0x00, 'a', (byte) 0xD8, 0x3D}; // "a" + the first half of U+1F600
        UserData.Decoded d = UserData.decode(8, 0x40, sm, List.of(), 0x45);
        assertThat(d.content()).isEqualTo(new Content.Binary(new byte[] {5, 0, 3, 9, 2, 1},
                new byte[] {0x00, 'a', (byte) 0xD8, 0x3D}, 8));
        assertThat(UserData.isText(d.content())).isTrue();
        assertThat(d.concat()).contains(new Concat(9, 2, 1, false));
        // not split by the sender (no concatenation): a lone surrogate is the sender's error, U+FFFD as before
        UserData.Decoded alone = UserData.decode(8, 0, new byte[] {0x00, 'a', (byte) 0xD8, 0x3D}, List.of(), 0x45);
        assertThat(alone.content()).isEqualTo(new Content.Text("a\uFFFD"));
        assertThat(UserData.isText(new Content.Binary(new byte[0], new byte[] {1}, 4))).isFalse();
    }

    @Test
    void binaryKeepsUdhApart() throws Exception {
        byte[] sm = {5, 0, 3, 1, 2, 2, (byte) 0xFF, 0};
        UserData.Decoded d = UserData.decode(4, 0x40, sm, List.of(), 0x45);
        assertThat(d.content()).isEqualTo(new Content.Binary(new byte[] {5, 0, 3, 1, 2, 2}, new byte[] {(byte) 0xFF, 0}, 4));
    }

    @Test
    void sarTlvsBecomeConcat() throws Exception {
        List<Tlv> sar = List.of(new Tlv(0x020C, new byte[] {0, 7}), Tlv.ofByte(0x020E, 3), Tlv.ofByte(0x020F, 2));
        assertThat(UserData.decode(0, 0, new byte[] {'a'}, sar, 0x45).concat()).contains(new Concat(7, 3, 2, true));
    }

    @Test
    void incompleteSarIsMissingTlv() {
        List<Tlv> sar = List.of(new Tlv(0x020C, new byte[] {0, 7}), Tlv.ofByte(0x020E, 3));
        assertThat(status(() -> UserData.decode(0, 0, new byte[] {'a'}, sar, 0x45)))
                .isEqualTo(SmppStatus.ESME_RMISSINGTLV);
    }

    @Test
    void sarSequenceBeyondTotalIsInvalidTlvValue() {
        List<Tlv> sar = List.of(new Tlv(0x020C, new byte[] {0, 7}), Tlv.ofByte(0x020E, 2), Tlv.ofByte(0x020F, 3));
        assertThat(status(() -> UserData.decode(0, 0, new byte[] {'a'}, sar, 0x45)))
                .isEqualTo(SmppStatus.ESME_RINVTLVVAL);
    }

    @Test
    void messagePayloadUsedWhenSmLengthZero() throws Exception {
        String longText = "x".repeat(400);
        List<Tlv> payload = List.of(new Tlv(0x0424, longText.getBytes(StandardCharsets.US_ASCII)));
        assertThat(UserData.decode(1, 0, new byte[0], payload, 0x45).content()).isEqualTo(new Content.Text(longText));
    }

    @Test
    void messagePayloadWithShortMessageIsInvalidMessageLength() {
        List<Tlv> payload = List.of(new Tlv(0x0424, new byte[] {'a'}));
        assertThat(status(() -> UserData.decode(0, 0, new byte[] {'b'}, payload, 0x45)))
                .isEqualTo(SmppStatus.ESME_RINVMSGLEN);
    }

    @Test
    void invalidDataCodingGetsTheGivenStatus() {
        assertThat(status(() -> UserData.decode(0x05, 0, new byte[] {'b'}, List.of(), 0x104))).isEqualTo(0x104);
        assertThat(status(() -> UserData.decode(0x0B, 0, new byte[] {'b'}, List.of(), 0x45))).isEqualTo(0x45);
    }

    @Test
    void oddUcs2IsInvalidDataCoding() {
        assertThat(status(() -> UserData.decode(8, 0, new byte[] {0, 'a', 0}, List.of(), 0x45))).isEqualTo(0x45);
    }

    @Test
    void udhLongerThanDataIsInvalidEsmClass() {
        assertThat(status(() -> UserData.decode(0, 0x40, new byte[] {9, 0, 3}, List.of(), 0x45)))
                .isEqualTo(SmppStatus.ESME_RINVESMCLASS);
    }
}
