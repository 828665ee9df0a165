package io.mgw.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DataCodingTest {

    @Test
    void validSetIsExactlyTheDocumentedOne() {
        for (int dc = 0; dc <= 0xFF; dc++) {
            boolean expected = dc == 0x00 || dc == 0x01 || dc == 0x02 || dc == 0x03 || dc == 0x04 || dc == 0x08
                    || (dc >= 0x10 && dc <= 0x1B) // general group with class, alphabet 00/01/10
                    || dc >= 0xC0;
            assertThat(DataCoding.isValid(dc)).as("0x%02x", dc).isEqualTo(expected);
        }
        assertThat(DataCoding.isValid(-1)).isFalse();
        assertThat(DataCoding.isValid(0x100)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {0x05, 0x06, 0x07, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x1C, 0x1F, 0x20, 0x3F, 0x40,
        0x80, 0xBF})
    void unsupportedDataCodingIsRejectedEverywhere(int dc) {
        assertThat(DataCoding.isValid(dc)).isFalse();
        assertThatThrownBy(() -> DataCoding.textEncoding(dc))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0x" + Integer.toHexString(dc));
        assertThatThrownBy(() -> DataCoding.decode(new byte[] {0x41}, dc))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void textEncodingPerValue() {
        assertThat(DataCoding.textEncoding(0x00)).contains(SmsEncoding.GSM7);
        assertThat(DataCoding.textEncoding(0x01)).contains(SmsEncoding.ASCII);
        assertThat(DataCoding.textEncoding(0x02)).isEmpty();
        assertThat(DataCoding.textEncoding(0x03)).contains(SmsEncoding.LATIN1);
        assertThat(DataCoding.textEncoding(0x04)).isEmpty();
        assertThat(DataCoding.textEncoding(0x08)).contains(SmsEncoding.UCS2);
        assertThat(DataCoding.textEncoding(0x10)).contains(SmsEncoding.GSM7); // class 0
        assertThat(DataCoding.textEncoding(0x15)).isEmpty(); // 8-bit class 1
        assertThat(DataCoding.textEncoding(0x1A)).contains(SmsEncoding.UCS2); // UCS2 class 2
        assertThat(DataCoding.textEncoding(0xC0)).contains(SmsEncoding.GSM7);
        assertThat(DataCoding.textEncoding(0xD8)).contains(SmsEncoding.GSM7);
        assertThat(DataCoding.textEncoding(0xE8)).contains(SmsEncoding.UCS2);
        assertThat(DataCoding.textEncoding(0xF0)).contains(SmsEncoding.GSM7); // flash
        assertThat(DataCoding.textEncoding(0xF3)).contains(SmsEncoding.GSM7);
        assertThat(DataCoding.textEncoding(0xF4)).isEmpty();
        assertThat(DataCoding.textEncoding(0xF5)).isEmpty(); // class 1 binary (e.g. WAP push)
        assertThat(DataCoding.textEncoding(0xF6)).isEmpty();
        assertThat(DataCoding.encodingOf(0xF6)).isEqualTo(SmsEncoding.BINARY);
    }

    @Test
    void dataCodingForEachEncoding() {
        assertThat(DataCoding.dataCodingFor(SmsEncoding.GSM7)).isEqualTo(0x00);
        assertThat(DataCoding.dataCodingFor(SmsEncoding.ASCII)).isEqualTo(0x01);
        assertThat(DataCoding.dataCodingFor(SmsEncoding.LATIN1)).isEqualTo(0x03);
        assertThat(DataCoding.dataCodingFor(SmsEncoding.UCS2)).isEqualTo(0x08);
        assertThat(DataCoding.dataCodingFor(SmsEncoding.BINARY)).isEqualTo(0x04);
        for (SmsEncoding e : SmsEncoding.values()) {
            assertThat(DataCoding.encodingOf(DataCoding.dataCodingFor(e))).isEqualTo(e);
        }
    }

    @Test
    void gsm7DataCodingDecodesUnpackedSeptets() {
        assertThat(DataCoding.decode(new byte[] {0x00, 0x02, 0x11, 0x1B, 0x65}, 0x00)).isEqualTo("@$_€");
        assertThat(DataCoding.decode(new byte[] {0x48, 0x69}, 0xF0)).isEqualTo("Hi");
        assertThat(DataCoding.encode("@$_€", SmsEncoding.GSM7)).containsExactly(0x00, 0x02, 0x11, 0x1B, 0x65);
    }

    @Test
    void asciiRoundTripsAndRejectsNonAscii() {
        StringBuilder sb = new StringBuilder();
        for (char c = 0; c < 0x80; c++) {
            sb.append(c);
        }
        String all = sb.toString();
        assertThat(DataCoding.decode(DataCoding.encode(all, SmsEncoding.ASCII), 0x01)).isEqualTo(all);
        assertThatThrownBy(() -> DataCoding.encode("abé", SmsEncoding.ASCII))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+00E9")
                .hasMessageContaining("index 2");
        assertThat(DataCoding.decode(new byte[] {0x41, (byte) 0xE9}, 0x01)).isEqualTo("A\uFFFD");
    }

    @Test
    void everyLatin1CharacterRoundTrips() {
        StringBuilder sb = new StringBuilder();
        for (char c = 0; c <= 0xFF; c++) {
            sb.append(c);
        }
        String all = sb.toString();
        byte[] encoded = DataCoding.encode(all, SmsEncoding.LATIN1);
        assertThat(encoded).hasSize(256);
        for (int i = 0; i < 256; i++) {
            assertThat(encoded[i] & 0xFF).isEqualTo(i);
        }
        assertThat(DataCoding.decode(encoded, 0x03)).isEqualTo(all);
    }

    @Test
    void latin1RejectsCharactersAboveFf() {
        assertThatThrownBy(() -> DataCoding.encode("5€", SmsEncoding.LATIN1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+20AC")
                .hasMessageContaining("index 1");
    }

    @Test
    void everyBmpCharacterRoundTripsThroughUcs2() {
        StringBuilder sb = new StringBuilder(0x10000);
        for (int c = 0; c <= 0xFFFF; c++) {
            if (!Character.isSurrogate((char) c)) {
                sb.append((char) c);
            }
        }
        String all = sb.toString();
        byte[] encoded = DataCoding.encode(all, SmsEncoding.UCS2);
        assertThat(encoded).hasSize(2 * all.length());
        assertThat(encoded[2 * 0x41]).isZero();
        assertThat(encoded[2 * 0x41 + 1]).isEqualTo((byte) 0x41);
        assertThat(DataCoding.decode(encoded, 0x08)).isEqualTo(all);
    }

    @Test
    void everySupplementaryCharacterRoundTripsAsSurrogatePair() {
        StringBuilder sb = new StringBuilder(2 * 0x100000);
        for (int cp = 0x10000; cp <= Character.MAX_CODE_POINT; cp++) {
            sb.appendCodePoint(cp);
        }
        String all = sb.toString();
        byte[] encoded = DataCoding.encode(all, SmsEncoding.UCS2);
        assertThat(encoded).hasSize(4 * 0x100000);
        assertThat(DataCoding.decode(encoded, 0x08)).isEqualTo(all);
        // U+1F600 = D83D DE00
        assertThat(DataCoding.encode("\uD83D\uDE00", SmsEncoding.UCS2)).isEqualTo(HexFormat.of().parseHex("d83dde00"));
    }

    @Test
    void ucs2OddLengthIsRejected() {
        assertThatThrownBy(() -> DataCoding.decode(new byte[] {0x00, 0x41, 0x00}, 0x08))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 octets");
    }

    @Test
    void ucs2LoneSurrogateDecodesAsReplacement() {
        assertThat(DataCoding.decode(HexFormat.of().parseHex("d83d0041"), 0x08)).isEqualTo("\uFFFDA");
        assertThat(DataCoding.decode(HexFormat.of().parseHex("0041de00"), 0x08)).isEqualTo("A\uFFFD");
        assertThat(DataCoding.decode(HexFormat.of().parseHex("d83dd83dde00"), 0x08)).isEqualTo("\uFFFD\uD83D\uDE00");
    }

    @Test
    void ucs2EncodeRejectsLoneSurrogate() {
        assertThatThrownBy(() -> DataCoding.encode("ab\uD83D", SmsEncoding.UCS2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 2");
        assertThatThrownBy(() -> DataCoding.encode("\uDE00x", SmsEncoding.UCS2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 0");
    }

    @Test
    void binaryDataCodingIsNotText() {
        for (int dc : new int[] {0x02, 0x04, 0xF4, 0xF5, 0x14}) {
            assertThatThrownBy(() -> DataCoding.decode(new byte[] {1, 2}, dc))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("binary");
        }
    }

    @Test
    void encodeBinaryIsRejected() {
        assertThatThrownBy(() -> DataCoding.encode("x", SmsEncoding.BINARY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void chooseCheapestEncoding() {
        assertThat(DataCoding.choose("Hello {world} €5", EncodingPreference.GSM7_OR_UCS2)).isEqualTo(SmsEncoding.GSM7);
        assertThat(DataCoding.choose("Grüße ç", EncodingPreference.GSM7_OR_UCS2)).isEqualTo(SmsEncoding.UCS2);
        assertThat(DataCoding.choose("Grüße ç", EncodingPreference.LATIN1_OR_UCS2)).isEqualTo(SmsEncoding.LATIN1);
        assertThat(DataCoding.choose("5€", EncodingPreference.LATIN1_OR_UCS2)).isEqualTo(SmsEncoding.UCS2);
        assertThat(DataCoding.choose("abc", EncodingPreference.UCS2)).isEqualTo(SmsEncoding.UCS2);
        assertThat(DataCoding.choose("", EncodingPreference.GSM7_OR_UCS2)).isEqualTo(SmsEncoding.GSM7);
    }

    @Test
    void decodeMatchesJdkCharsetsForLatin1() {
        byte[] b = "façade".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(DataCoding.decode(b, 0x03)).isEqualTo("façade");
        assertThat(Optional.of(DataCoding.decode(b, 0x03))).contains("façade");
    }

    @Test
    void aSurrogatePairCutAtEitherEdgeOfAPartIsRecognised() {
        byte[] whole = "ok \uD83D\uDE00".getBytes(StandardCharsets.UTF_16BE); // "ok 😀": 5 code units
        byte[] firstHalf = java.util.Arrays.copyOf(whole, 8); // ends with the high surrogate
        byte[] secondHalf = java.util.Arrays.copyOfRange(whole, 8, 10); // starts with the low surrogate
        assertThat(DataCoding.cutsSurrogatePair(firstHalf, 0x08)).isTrue();
        assertThat(DataCoding.cutsSurrogatePair(secondHalf, 0x08)).isTrue();
        assertThat(DataCoding.cutsSurrogatePair(whole, 0x08)).isFalse();
        // not UCS-2: the same octets under GSM 7-bit or 8-bit data are no cut pair
        assertThat(DataCoding.cutsSurrogatePair(firstHalf, 0x00)).isFalse();
        assertThat(DataCoding.cutsSurrogatePair(firstHalf, 0x04)).isFalse();
        assertThat(DataCoding.isUcs2Octets(firstHalf, 0x18)).isTrue(); // GSM DCS group, UCS-2 class 0
        assertThat(DataCoding.isUcs2Octets(new byte[3], 0x08)).isFalse();
        assertThat(DataCoding.cutsSurrogatePair("plain".getBytes(StandardCharsets.UTF_16BE), 0x08)).isFalse();
        assertThat(DataCoding.cutsSurrogatePair(new byte[0], 0x08)).isFalse();
        assertThat(DataCoding.cutsSurrogatePair(new byte[] {(byte) 0xD8, 0x3D, 0x00}, 0x08)).isFalse(); // odd length
        // a lone surrogate inside the part is a sender's error, not a cut: it decodes to U+FFFD as before
        byte[] inside = {0x00, 'a', (byte) 0xD8, 0x3D, 0x00, 'b'};
        assertThat(DataCoding.cutsSurrogatePair(inside, 0x08)).isFalse();
        assertThat(DataCoding.decode(inside, 0x08)).isEqualTo("a\uFFFDb");
    }
}
