package io.mgw.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Gsm7Test {

    /** TS 23.038 §6.2.1 default table, written out independently of the production table (0x1B = escape). */
    static final String DEFAULT_TABLE =
            "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    /** TS 23.038 §6.2.1.1 extension table: code, character. */
    static final int[][] EXTENSION = {
        {0x0A, '\f'}, {0x14, '^'}, {0x28, '{'}, {0x29, '}'}, {0x2F, '\\'},
        {0x3C, '['}, {0x3D, '~'}, {0x3E, ']'}, {0x40, '|'}, {0x65, '€'},
    };

    private static final HexFormat HEX = HexFormat.of();

    /** Every character of both tables, default first. */
    static String allCharacters() {
        StringBuilder sb = new StringBuilder();
        for (int code = 0; code < 128; code++) {
            if (code != 0x1B) {
                sb.append(DEFAULT_TABLE.charAt(code));
            }
        }
        for (int[] e : EXTENSION) {
            sb.append((char) e[1]);
        }
        return sb.toString();
    }

    @Test
    void tableHas128Entries() {
        assertThat(DEFAULT_TABLE).hasSize(128);
    }

    @Test
    void everyDefaultCharacterEncodesToItsCodeAndBack() {
        for (int code = 0; code < 128; code++) {
            if (code == 0x1B) {
                continue;
            }
            String s = String.valueOf(DEFAULT_TABLE.charAt(code));
            assertThat(Gsm7.canEncode(s)).as("code %02x", code).isTrue();
            assertThat(Gsm7.septetLength(s)).isEqualTo(1);
            assertThat(Gsm7.encode(s)).as("code %02x", code).containsExactly(code);
            assertThat(Gsm7.decode(new byte[] {(byte) code})).isEqualTo(s);
        }
    }

    @Test
    void everyExtensionCharacterEncodesToEscapePairAndBack() {
        for (int[] e : EXTENSION) {
            String s = String.valueOf((char) e[1]);
            assertThat(Gsm7.canEncode(s)).isTrue();
            assertThat(Gsm7.septetLength(s)).isEqualTo(2);
            assertThat(Gsm7.septetLength((char) e[1])).isEqualTo(2);
            assertThat(Gsm7.encode(s)).containsExactly(0x1B, e[0]);
            assertThat(Gsm7.decode(new byte[] {0x1B, (byte) e[0]})).isEqualTo(s);
        }
    }

    @Test
    void wholeAlphabetRoundTripsUnpackedAndPackedWithEveryFill() {
        String all = allCharacters();
        byte[] septets = Gsm7.encode(all);
        assertThat(septets).hasSize(127 + 2 * EXTENSION.length);
        assertThat(Gsm7.decode(septets)).isEqualTo(all);
        for (int fill = 0; fill <= 6; fill++) {
            // also every prefix length, so every alignment of the last octet is exercised
            for (int n = 0; n <= septets.length; n++) {
                byte[] part = java.util.Arrays.copyOf(septets, n);
                byte[] packed = Gsm7.pack(part, fill);
                assertThat(packed).hasSize(Gsm7.packedLength(n, fill));
                assertThat(packed).isEqualTo(referencePack(part, fill));
                assertThat(Gsm7.unpack(packed, n, fill)).as("fill %d n %d", fill, n).isEqualTo(part);
            }
            assertThat(Gsm7.decode(Gsm7.unpack(Gsm7.pack(septets, fill), septets.length, fill))).isEqualTo(all);
        }
    }

    @Test
    void characterOutsideTheTablesIsRejected() {
        assertThat(Gsm7.canEncode("`")).isFalse();
        assertThat(Gsm7.canEncode("ç")).isFalse(); // 0x09 is capital Ç in TS 23.038
        assertThat(Gsm7.canEncode("日本")).isFalse();
        assertThat(Gsm7.canEncode("")).isTrue();
        assertThatThrownBy(() -> Gsm7.encode("ab`c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+0060")
                .hasMessageContaining("index 2");
        assertThatThrownBy(() -> Gsm7.septetLength("x€\u00A0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 2");
    }

    @Test
    void noOtherCharacterIsEncodable() {
        String all = allCharacters();
        for (int c = 0; c <= 0xFFFF; c++) {
            assertThat(Gsm7.canEncode((char) c)).as("U+%04X", c).isEqualTo(all.indexOf(c) >= 0);
        }
    }

    @Test
    void helloHelloPacksToTheKnownVector() {
        byte[] packed = Gsm7.pack(Gsm7.encode("hellohello"), 0);
        assertThat(HEX.formatHex(packed)).isEqualTo("e8329bfd4697d9ec37");
        assertThat(Gsm7.decode(Gsm7.unpack(packed, 10, 0))).isEqualTo("hellohello");
    }

    @Test
    void fillBitShiftsTheSeptetsUp() {
        // one fill bit (after a 6-octet UDH): 'h' = 0x68 -> bits 1..7 of octet 0
        byte[] packed = Gsm7.pack(Gsm7.encode("hi"), 1);
        assertThat(HEX.formatHex(packed)).isEqualTo(HEX.formatHex(referencePack(new byte[] {0x68, 0x69}, 1)));
        assertThat(packed[0] & 0xFF).isEqualTo((0x68 << 1) & 0xFF);
    }

    @Test
    void sevenSpareBitsArePaddedWithCarriageReturn() {
        byte[] septets = Gsm7.encode("1234567"); // 49 bits -> 7 octets, 7 spare
        byte[] packed = Gsm7.pack(septets, 0);
        assertThat(packed).hasSize(7);
        assertThat((packed[6] & 0xFF) >>> 1).isEqualTo(0x0D);
        assertThat(Gsm7.unpack(packed, 7, 0)).isEqualTo(septets);
        assertThat(Gsm7.decode(Gsm7.unpackAll(packed, 0))).isEqualTo("1234567");
    }

    @Test
    void unpackAllKeepsARealTrailingAt() {
        byte[] packed = Gsm7.pack(Gsm7.encode("1234567@"), 0); // 56 bits, no spare
        assertThat(packed).hasSize(7);
        assertThat(Gsm7.decode(Gsm7.unpackAll(packed, 0))).isEqualTo("1234567@");
    }

    @Test
    void unpackAllShowsZeroPaddingAsAt() {
        byte[] packed = Gsm7.pack(Gsm7.encode("1234567"), 0);
        packed[6] &= 0x01; // a sender that pads with zeros instead of CR
        assertThat(Gsm7.decode(Gsm7.unpackAll(packed, 0))).isEqualTo("1234567@");
    }

    @Test
    void unpackAllWithFillBits() {
        byte[] septets = Gsm7.encode("hello world");
        for (int fill = 0; fill <= 6; fill++) {
            assertThat(Gsm7.unpackAll(Gsm7.pack(septets, fill), fill)).as("fill %d", fill).isEqualTo(septets);
        }
        assertThat(Gsm7.unpackAll(new byte[0], 3)).isEmpty();
    }

    @Test
    void packRejectsOctetAbove7f() {
        assertThatThrownBy(() -> Gsm7.pack(new byte[] {0x41, (byte) 0x80}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("septets[1]");
    }

    @Test
    void packRejectsFillOutOfRange() {
        assertThatThrownBy(() -> Gsm7.pack(new byte[1], 7)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Gsm7.pack(new byte[1], -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unpackRejectsTruncatedInput() {
        assertThatThrownBy(() -> Gsm7.unpack(new byte[8], 10, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: >= 9");
    }

    @Test
    void packEmptyIsEmptyWhateverTheFill() {
        assertThat(Gsm7.pack(new byte[0], 1)).isEmpty();
    }

    @Test
    void fillBitsAfterUdh() {
        assertThat(Gsm7.fillBits(0)).isZero();
        assertThat(Gsm7.fillBits(6)).isEqualTo(1);
        assertThat(Gsm7.fillBits(7)).isZero();
        assertThat(Gsm7.fillBits(5)).isEqualTo(2);
        assertThatThrownBy(() -> Gsm7.fillBits(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownEscapeCodeDecodesAsDefaultCharacter() {
        assertThat(Gsm7.decode(new byte[] {0x1B, 0x41})).isEqualTo("A");
        assertThat(Gsm7.decode(new byte[] {0x1B, 0x00, 0x42})).isEqualTo("@B");
    }

    @Test
    void doubleEscapeDecodesAsSpace() {
        assertThat(Gsm7.decode(new byte[] {0x41, 0x1B, 0x1B, 0x42})).isEqualTo("A B");
    }

    @Test
    void trailingLoneEscapeIsDropped() {
        assertThat(Gsm7.decode(new byte[] {0x41, 0x1B})).isEqualTo("A");
        assertThat(Gsm7.decode(new byte[] {0x1B})).isEmpty();
    }

    @Test
    void octetAbove7fDecodesAsReplacementCharacter() {
        assertThat(Gsm7.decode(new byte[] {0x41, (byte) 0xE9})).isEqualTo("A\uFFFD");
        assertThat(Gsm7.decode(new byte[] {0x1B, (byte) 0xE9})).isEqualTo("\uFFFD");
    }

    @Test
    void decodeRange() {
        byte[] b = Gsm7.encode("xx{y}xx");
        assertThat(Gsm7.decode(b, 2, 5)).isEqualTo("{y}");
        assertThatThrownBy(() -> Gsm7.decode(b, 5, 5)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void randomSeptetsMatchTheReferencePacker() {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            byte[] septets = new byte[random.nextInt(200)];
            for (int i = 0; i < septets.length; i++) {
                septets[i] = (byte) random.nextInt(128);
            }
            int fill = random.nextInt(7);
            byte[] packed = Gsm7.pack(septets, fill);
            assertThat(packed).isEqualTo(referencePack(septets, fill));
            assertThat(Gsm7.unpack(packed, septets.length, fill)).isEqualTo(septets);
        }
    }

    /** Bit-at-a-time packer written from TS 23.038 §6.1.2.1.1, with CR in 7 spare bits (§6.1.2.3.1). */
    static byte[] referencePack(byte[] septets, int fill) {
        if (septets.length == 0) {
            return new byte[0];
        }
        int bits = fill + 7 * septets.length;
        byte[] out = new byte[(bits + 7) / 8];
        int k = fill;
        for (byte s : septets) {
            for (int b = 0; b < 7; b++, k++) {
                if (((s >> b) & 1) != 0) {
                    out[k / 8] |= (byte) (1 << (k % 8));
                }
            }
        }
        if (out.length * 8 - bits == 7) {
            for (int b = 0; b < 7; b++, k++) {
                if (((0x0D >> b) & 1) != 0) {
                    out[k / 8] |= (byte) (1 << (k % 8));
                }
            }
        }
        return out;
    }
}
