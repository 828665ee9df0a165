package io.mgw.smpp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Decoding of MO text ({@link InboundHandler#moText}); the packed fixtures were packed by hand, least significant bit
 * first (3GPP TS 23.038 §6.1.2.1.1), after the fill bits of TS 23.040 §9.2.3.24.
 */
class InboundHandlerTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void packedSinglePartIsUnpacked() {
        assertThat(InboundHandler.moText(hex("E8329BFD4697D9EC37"), 0, 0x00, true)).isEqualTo("hellohello");
    }

    @Test
    void packedPartAfterAUdhSkipsTheFillBits() {
        // a 6-octet UDH (05 00 03 ref total seq) is 48 bits: one fill bit to the septet boundary at 49
        assertThat(InboundHandler.moText(hex("D06536FB8D2EB3D96F"), 6, 0x00, true)).isEqualTo("hellohello");
        // a 7-octet UDH (16-bit reference) is 56 bits, already a septet boundary
        assertThat(InboundHandler.moText(hex("E8329BFD4697D9EC37"), 7, 0x00, true)).isEqualTo("hellohello");
    }

    @Test
    void aCrThatOnlyFillsTheLastOctetIsPadding() {
        assertThat(InboundHandler.moText(hex("31D98C56B3DD1A"), 0, 0x00, true)).isEqualTo("1234567");
    }

    @Test
    void aGsmDataCodingGroupIsUnpackedToo() {
        // 0xF0: data coding / message class group, GSM 7-bit default alphabet, class 0
        assertThat(InboundHandler.moText(hex("E8329BFD4697D9EC37"), 0, 0xF0, true)).isEqualTo("hellohello");
    }

    @Test
    void otherEncodingsAreNotUnpacked() {
        assertThat(InboundHandler.moText("hello".getBytes(StandardCharsets.ISO_8859_1), 0, 0x03, true))
                .isEqualTo("hello");
        assertThat(InboundHandler.moText(hex("00680069"), 0, 0x08, true)).isEqualTo("hi");
    }

    @Test
    void anUnpackedConnectorReadsOneSeptetPerOctet() {
        assertThat(InboundHandler.moText("hello".getBytes(StandardCharsets.US_ASCII), 0, 0x00, false))
                .isEqualTo("hello");
        assertThat(InboundHandler.moText("hello".getBytes(StandardCharsets.US_ASCII), 6, 0x00, false))
                .isEqualTo("hello");
    }

    @Test
    void binaryDataCodingIsRefused() {
        assertThatThrownBy(() -> InboundHandler.moText(new byte[] {1, 2}, 0, 0x04, true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
