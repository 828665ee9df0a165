package io.mgw.core.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.model.Concat;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class UserDataHeaderTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void parsesConcat8() {
        UserDataHeader udh = UserDataHeader.parse(hex("05 00 03 2a 03 01 6869"));
        assertThat(udh.length()).isEqualTo(6);
        assertThat(udh.raw()).isEqualTo(hex("05 00 03 2a 03 01"));
        assertThat(udh.elements()).containsExactly(new UserDataHeader.InformationElement(0x00, hex("2a 03 01")));
        assertThat(udh.concat()).contains(new Concat(42, 3, 1, false));
        assertThat(udh.gsm7FillBits()).isEqualTo(1);
    }

    @Test
    void parsesConcat16() {
        UserDataHeader udh = UserDataHeader.parse(hex("06 08 04 12 34 03 02 0041"));
        assertThat(udh.length()).isEqualTo(7);
        assertThat(udh.concat()).contains(new Concat(0x1234, 3, 2, true));
        assertThat(udh.gsm7FillBits()).isZero();
    }

    @Test
    void parsesSeveralElements() {
        // 16-bit application ports (WAP push 2948 <- 9200) then concat
        UserDataHeader udh = UserDataHeader.parse(hex("0b 05 04 0b84 23f0 00 03 01 02 01 ff"));
        assertThat(udh.length()).isEqualTo(12);
        assertThat(udh.elements()).extracting(UserDataHeader.InformationElement::iei).containsExactly(0x05, 0x00);
        assertThat(udh.concat()).contains(new Concat(1, 2, 1, false));
    }

    @Test
    void emptyHeader() {
        UserDataHeader udh = UserDataHeader.parse(hex("00 41"));
        assertThat(udh.length()).isEqualTo(1);
        assertThat(udh.elements()).isEmpty();
        assertThat(udh.concat()).isEmpty();
    }

    @Test
    void headerFillingTheWholeMessage() {
        assertThat(UserDataHeader.parse(hex("05 00 03 01 01 01")).concat()).contains(new Concat(1, 1, 1, false));
    }

    @Test
    void emptyMessageIsRejected() {
        assertThatThrownBy(() -> UserDataHeader.parse(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void udhlBeyondMessageIsRejected() {
        assertThatThrownBy(() -> UserDataHeader.parse(hex("05 00 03 01 02")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UDHL: 5");
    }

    @Test
    void elementLongerThanHeaderIsRejected() {
        assertThatThrownBy(() -> UserDataHeader.parse(hex("05 00 04 01 02 01 41 41")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length 4");
    }

    @Test
    void elementHeaderCutByUdhlIsRejected() {
        assertThatThrownBy(() -> UserDataHeader.parse(hex("06 00 03 01 02 01 00 41")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void concatWithTotalZeroIsIgnored() {
        assertThat(UserDataHeader.parse(hex("05 00 03 01 00 01")).concat()).isEmpty();
    }

    @Test
    void concatWithSequenceZeroIsIgnored() {
        assertThat(UserDataHeader.parse(hex("05 00 03 01 02 00")).concat()).isEmpty();
    }

    @Test
    void concatWithSequenceAboveTotalIsIgnored() {
        assertThat(UserDataHeader.parse(hex("06 08 04 00 01 02 03")).concat()).isEmpty();
    }

    @Test
    void concatWithWrongLengthIsIgnored() {
        assertThat(UserDataHeader.parse(hex("04 00 02 01 02")).concat()).isEmpty();
        assertThat(UserDataHeader.parse(hex("05 08 03 01 02 01")).concat()).isEmpty();
    }

    @Test
    void malformedConcatIsSkippedForALaterGoodOne() {
        assertThat(UserDataHeader.parse(hex("0b 00 03 01 00 01 08 04 00 07 02 02")).concat())
                .contains(new Concat(7, 2, 2, true));
    }

    @Test
    void buildsConcatHeaders() {
        assertThat(UserDataHeader.concat8(0xAB, 3, 2)).isEqualTo(hex("05 00 03 ab 03 02"));
        assertThat(UserDataHeader.concat16(0xABCD, 255, 255)).isEqualTo(hex("06 08 04 abcd ff ff"));
        assertThat(UserDataHeader.parse(UserDataHeader.concat16(65535, 9, 4)).concat())
                .contains(new Concat(65535, 9, 4, true));
    }

    @Test
    void concatBuilderRejectsBadArguments() {
        assertThatThrownBy(() -> UserDataHeader.concat8(256, 2, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UserDataHeader.concat8(1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UserDataHeader.concat8(1, 2, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UserDataHeader.concat16(65536, 2, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UserDataHeader.concat16(1, 256, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UserDataHeader.concat16(1, 2, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void equalityIsByContent() {
        assertThat(UserDataHeader.parse(hex("05 00 03 01 02 01 41")))
                .isEqualTo(UserDataHeader.parse(hex("05 00 03 01 02 01 42")))
                .hasSameHashCodeAs(UserDataHeader.parse(hex("05 00 03 01 02 01")));
    }
}
