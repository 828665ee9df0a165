package io.mgw.smpp.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.smpp.receipt.RemoteIdNormalizer.Format;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RemoteIdNormalizerTest {

    /** format, id in submit_sm_resp, id in the receipt: both must give the same key. */
    @ParameterizedTest(name = "{0}: {1} ~ {2}")
    @CsvSource({
        "auto, 00A1B2, 41394",
        "auto, 00A1B2, a1b2",
        "auto, 0012345, 12345",
        "auto, 5F2A91, 5f2a91",
        "auto, 0x1f, 31",
        "hex, 00001234, 1234",
        "hex, ABCDEF, abcdef",
        "decimal, 000123, 123",
        "hex-decimal, 00A1B2, 41394",
        "hex-decimal, 1234, 4660",
        "decimal-hex, 4660, 1234",
        "decimal-hex, 41394, 0000a1b2",
        "as-is, AbC-1, AbC-1",
        "as-is, ' AbC-1 ', AbC-1",
        "auto, 3f2a-91BC, 3F2A-91bc",
    })
    void sameMessageSameKey(String format, String fromResp, String fromReceipt) {
        var n = new RemoteIdNormalizer(Format.fromSetting(format));
        assertThat(n.fromSubmitResponse(fromResp)).isEqualTo(n.fromReceipt(fromReceipt));
    }

    /** Ids of different messages must not collide. */
    @ParameterizedTest(name = "{0}: {1} != {2}")
    @CsvSource({
        "as-is, AbC, abc",
        "as-is, 007, 7",
        "decimal, 1234, 4660",
        "hex, 1234, 4660",
        "auto, 1234, 4660",
        "hex-decimal, 1234, 1234",
    })
    void differentMessagesDifferentKeys(String format, String fromResp, String fromReceipt) {
        var n = new RemoteIdNormalizer(Format.fromSetting(format));
        assertThat(n.fromSubmitResponse(fromResp)).isNotEqualTo(n.fromReceipt(fromReceipt));
    }

    @Test
    void keysNumericIdsByDecimalValue() {
        var n = new RemoteIdNormalizer(Format.AUTO);
        assertThat(n.fromSubmitResponse("00A1B2")).isEqualTo("41394");
        assertThat(n.fromReceipt("000041394")).isEqualTo("41394");
    }

    @Test
    void longIdsBeyond64BitsStillNormalise() {
        var n = new RemoteIdNormalizer(Format.HEX);
        assertThat(n.fromSubmitResponse("00FFFFFFFFFFFFFFFFFFFF")).isEqualTo(n.fromReceipt("ffffffffffffffffffff"));
    }

    @Test
    void nonHexIdInHexModeKeptAsLowerCaseText() {
        var n = new RemoteIdNormalizer(Format.HEX);
        assertThat(n.fromSubmitResponse("MSG-9Z")).isEqualTo("msg-9z");
    }

    @Test
    void settingIsCaseInsensitiveAndAcceptsUnderscore() {
        assertThat(Format.fromSetting("HEX_DECIMAL")).isEqualTo(Format.HEX_DECIMAL);
        assertThat(Format.fromSetting(" As-Is ")).isEqualTo(Format.AS_IS);
    }

    @Test
    void unknownSettingNamesTheAcceptedValues() {
        assertThatThrownBy(() -> Format.fromSetting("octal"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'octal'")
                .hasMessageContaining("hex-decimal");
    }
}
