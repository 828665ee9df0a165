package io.mgw.smpp.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShortMessageDecoderTest {

    private static ShortMessagePdu sample(byte[] sm, List<Tlv> tlvs) {
        return new ShortMessagePdu(SmppCommand.SUBMIT_SM, 7, "CMT", new SmppAddress(5, 0, "Shop"),
                List.of(new ShortMessagePdu.Destination.Sme(new SmppAddress(1, 1, "4915112345678"))), 0x40, 0, 2,
                "", "000001000000000R", 1, 0, 8, 0, sm, tlvs);
    }

    @Test
    void roundTripsSubmitSm() throws Exception {
        ShortMessagePdu p = sample(new byte[] {1, 2, 3}, List.of(new Tlv(0x1234, new byte[] {9, 8})));
        ShortMessagePdu back = ShortMessageDecoder.submitOrDeliver(ShortMessageDecoder.encode(p));
        assertThat(back.sequence()).isEqualTo(7);
        assertThat(back.serviceType()).isEqualTo("CMT");
        assertThat(back.source()).isEqualTo(new SmppAddress(5, 0, "Shop"));
        assertThat(back.destination()).isEqualTo(new SmppAddress(1, 1, "4915112345678"));
        assertThat(back.esmClass()).isEqualTo(0x40);
        assertThat(back.priority()).isEqualTo(2);
        assertThat(back.validityPeriod()).isEqualTo("000001000000000R");
        assertThat(back.dataCoding()).isEqualTo(8);
        assertThat(back.shortMessage()).containsExactly(1, 2, 3);
        assertThat(back.tlvs()).containsExactly(new Tlv(0x1234, new byte[] {9, 8}));
    }

    @Test
    void truncatedMandatoryFieldIsInvalidCommandLength() {
        byte[] whole = ShortMessageDecoder.encode(sample(new byte[] {1}, List.of()));
        // cut the body right after destination_addr
        byte[] cut = java.util.Arrays.copyOf(whole, 16 + 4 + 7 + 2 + 14);
        setLength(cut);
        assertThatThrownBy(() -> ShortMessageDecoder.submitOrDeliver(cut))
                .isInstanceOfSatisfying(SmppDecodeException.class,
                        e -> assertThat(e.status()).isEqualTo(SmppStatus.ESME_RINVCMDLEN));
    }

    @Test
    void smLengthBeyondBodyIsInvalidMessageLength() {
        byte[] whole = ShortMessageDecoder.encode(sample(new byte[] {1, 2, 3}, List.of()));
        whole[whole.length - 4] = (byte) 200; // sm_length octet sits right before the 3 message octets
        assertThatThrownBy(() -> ShortMessageDecoder.submitOrDeliver(whole))
                .isInstanceOfSatisfying(SmppDecodeException.class,
                        e -> assertThat(e.status()).isEqualTo(SmppStatus.ESME_RINVMSGLEN));
    }

    @Test
    void overlongDestinationIsInvalidDestination() {
        ShortMessagePdu p = new ShortMessagePdu(SmppCommand.SUBMIT_SM, 1, "", new SmppAddress(0, 0, ""),
                List.of(new ShortMessagePdu.Destination.Sme(new SmppAddress(1, 1, "1234567890123456789012345"))), 0,
                0, 0, "", "", 0, 0, 0, 0, new byte[0], List.of());
        assertThatThrownBy(() -> ShortMessageDecoder.submitOrDeliver(ShortMessageDecoder.encode(p)))
                .isInstanceOfSatisfying(SmppDecodeException.class,
                        e -> assertThat(e.status()).isEqualTo(SmppStatus.ESME_RINVDSTADR));
    }

    @Test
    void brokenTlvIsReported() {
        byte[] whole = ShortMessageDecoder.encode(sample(new byte[0], List.of(new Tlv(0x0424, new byte[] {1, 2}))));
        whole[whole.length - 3] = 9; // TLV length 9, only 2 octets follow
        assertThatThrownBy(() -> ShortMessageDecoder.submitOrDeliver(whole))
                .isInstanceOfSatisfying(SmppDecodeException.class,
                        e -> assertThat(e.status()).isEqualTo(SmppStatus.ESME_RINVTLVLEN));
    }

    @Test
    void decodesSubmitMultiWithDistributionList() throws Exception {
        byte[] pdu = HexFormat.of().parseHex("00000000" + "00000021" + "00000000" + "00000003"
                + "00" + "0101" + "313200" // service_type "", source 1/1 "12"
                + "02" + "01" + "0101" + "333300" + "02" + "66616d00" // 2 dests: SME "33", DL "fam"
                + "00000000" + "00" + "00" + "00" + "00" + "00" + "03" + "616263");
        setLength(pdu);
        ShortMessagePdu p = ShortMessageDecoder.submitMulti(pdu);
        assertThat(p.destinations()).containsExactly(
                new ShortMessagePdu.Destination.Sme(new SmppAddress(1, 1, "33")),
                new ShortMessagePdu.Destination.DistributionList("fam"));
        assertThat(p.shortMessage()).containsExactly('a', 'b', 'c');
    }

    static void setLength(byte[] pdu) {
        int n = pdu.length;
        pdu[0] = (byte) (n >>> 24);
        pdu[1] = (byte) (n >>> 16);
        pdu[2] = (byte) (n >>> 8);
        pdu[3] = (byte) n;
    }
}
