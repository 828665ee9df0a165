package io.mgw.core.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.model.Concat;
import io.mgw.core.model.Content;
import io.mgw.core.text.DataCoding;
import io.mgw.core.text.EncodingPreference;
import io.mgw.core.text.Gsm7;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SegmenterTest {

    private static final SegmentationPolicy GSM_UDH8 =
            new SegmentationPolicy(EncodingPreference.GSM7_OR_UCS2, SegmentationMode.UDH8, 255, false);

    private static SegmentationPolicy policy(SegmentationMode mode) {
        return new SegmentationPolicy(EncodingPreference.GSM7_OR_UCS2, mode, 255, false);
    }

    private static SegmentationPolicy packed(SegmentationMode mode) {
        return new SegmentationPolicy(EncodingPreference.GSM7_OR_UCS2, mode, 255, true);
    }

    private static Content.Text text(String s) {
        return new Content.Text(s);
    }

    private static List<Segment> split(String s, SegmentationPolicy policy) {
        List<Segment> segments = Segmenter.split(text(s), policy, 0x42);
        if (policy.mode() != SegmentationMode.PAYLOAD) {
            assertThat(Segmenter.count(text(s), policy)).isEqualTo(segments.size());
        }
        return segments;
    }

    /** Undoes {@link Segmenter#split} for text, checking UDH and SAR info on the way. */
    private static String reassemble(List<Segment> segments, SegmentationPolicy policy) {
        StringBuilder sb = new StringBuilder();
        for (Segment s : segments) {
            assertThat(s.total()).isEqualTo(segments.size());
            byte[] sm = s.shortMessage();
            int offset = 0;
            if (s.udhi()) {
                UserDataHeader udh = UserDataHeader.parse(sm);
                Concat concat = udh.concat().orElseThrow();
                assertThat(concat.total()).isEqualTo(s.total());
                assertThat(concat.sequence()).isEqualTo(s.sequence());
                assertThat(concat.wide()).isEqualTo(policy.mode() == SegmentationMode.UDH16);
                offset = udh.length();
            }
            assertThat(s.sar().isPresent()).isEqualTo(policy.mode() == SegmentationMode.SAR && s.total() > 1);
            byte[] body = Arrays.copyOfRange(sm, offset, sm.length);
            if (s.dataCoding() == 0 && policy.packGsm7()) {
                body = Gsm7.unpackAll(body, Gsm7.fillBits(offset));
            }
            sb.append(DataCoding.decode(body, s.dataCoding()));
        }
        return sb.toString();
    }

    @Test
    void gsm7Of160CharactersIsOneSegment() {
        String s = "a".repeat(160);
        List<Segment> segments = split(s, GSM_UDH8);
        assertThat(segments).singleElement().satisfies(seg -> {
            assertThat(seg.shortMessage()).hasSize(160);
            assertThat(seg.udhi()).isFalse();
            assertThat(seg.dataCoding()).isZero();
            assertThat(seg.sar()).isEmpty();
            assertThat(seg.payloadTlv()).isFalse();
            assertThat(seg.sequence()).isEqualTo(1);
            assertThat(seg.total()).isEqualTo(1);
        });
    }

    @Test
    void gsm7Of161CharactersIsTwoUdh8Segments() {
        String s = "a".repeat(161);
        List<Segment> segments = split(s, GSM_UDH8);
        assertThat(segments).hasSize(2);
        assertThat(segments.get(0).shortMessage()).hasSize(6 + 153);
        assertThat(Arrays.copyOf(segments.get(0).shortMessage(), 6))
                .isEqualTo(HexFormat.of().parseHex("050003420201"));
        assertThat(segments.get(1).shortMessage()).hasSize(6 + 8);
        assertThat(Arrays.copyOf(segments.get(1).shortMessage(), 6))
                .isEqualTo(HexFormat.of().parseHex("050003420202"));
        assertThat(segments).allSatisfy(seg -> assertThat(seg.udhi()).isTrue());
        assertThat(reassemble(segments, GSM_UDH8)).isEqualTo(s);
    }

    @Test
    void extensionCharactersCountTwice() {
        String s = "€".repeat(80); // 160 septets
        assertThat(split(s, GSM_UDH8)).hasSize(1);
        assertThat(split(s + "a", GSM_UDH8)).hasSize(2);
    }

    @Test
    void gsm7Of161CharactersIsTwoUdh16Segments() {
        SegmentationPolicy policy = policy(SegmentationMode.UDH16);
        String s = "b".repeat(161);
        List<Segment> segments = split(s, policy);
        assertThat(segments).hasSize(2);
        assertThat(segments.get(0).shortMessage()).hasSize(7 + 152);
        assertThat(Arrays.copyOf(segments.get(0).shortMessage(), 7))
                .isEqualTo(HexFormat.of().parseHex("06080400420201"));
        assertThat(segments.get(1).shortMessage()).hasSize(7 + 9);
        assertThat(reassemble(segments, policy)).isEqualTo(s);
    }

    @Test
    void escapePairIsNotSplitAtTheBoundary() {
        String s = "a".repeat(152) + "€" + "b".repeat(10); // ESC would be septet 153
        List<Segment> segments = split(s, GSM_UDH8);
        assertThat(segments).hasSize(2);
        assertThat(segments.get(0).shortMessage()).hasSize(6 + 152);
        byte[] second = segments.get(1).shortMessage();
        assertThat(second[6]).isEqualTo((byte) 0x1B);
        assertThat(second[7]).isEqualTo((byte) 0x65);
        assertThat(reassemble(segments, GSM_UDH8)).isEqualTo(s);
    }

    @Test
    void escapePairEndingExactlyAtTheBoundaryStays() {
        String s = "a".repeat(151) + "€" + "b".repeat(10); // ESC at 152, code at 153
        List<Segment> segments = split(s, GSM_UDH8);
        assertThat(segments.get(0).shortMessage()).hasSize(6 + 153);
        assertThat(reassemble(segments, GSM_UDH8)).isEqualTo(s);
    }

    @Test
    void ucs2Of70CharactersIsOneSegment() {
        String s = "Ж".repeat(70);
        List<Segment> segments = split(s, GSM_UDH8);
        assertThat(segments).singleElement().satisfies(seg -> {
            assertThat(seg.shortMessage()).hasSize(140);
            assertThat(seg.dataCoding()).isEqualTo(0x08);
            assertThat(seg.udhi()).isFalse();
        });
    }

    @Test
    void ucs2Of71CharactersIsTwoSegments() {
        String s = "Ж".repeat(71);
        List<Segment> segments = split(s, GSM_UDH8);
        assertThat(segments).hasSize(2);
        assertThat(segments.get(0).shortMessage()).hasSize(6 + 134);
        assertThat(segments.get(1).shortMessage()).hasSize(6 + 8);
        assertThat(reassemble(segments, GSM_UDH8)).isEqualTo(s);
        SegmentationPolicy udh16 = policy(SegmentationMode.UDH16);
        List<Segment> wide = split(s, udh16);
        assertThat(wide.get(0).shortMessage()).hasSize(7 + 132);
        assertThat(reassemble(wide, udh16)).isEqualTo(s);
    }

    @Test
    void surrogatePairIsNotSplitAtTheBoundary() {
        String s = "Ж".repeat(66) + "\uD83D\uDE00" + "Ж".repeat(5); // high surrogate would be unit 67
        List<Segment> segments = split(s, GSM_UDH8);
        assertThat(segments).hasSize(2);
        assertThat(segments.get(0).shortMessage()).hasSize(6 + 132);
        assertThat(Arrays.copyOfRange(segments.get(1).shortMessage(), 6, 10))
                .isEqualTo(HexFormat.of().parseHex("d83dde00"));
        assertThat(reassemble(segments, GSM_UDH8)).isEqualTo(s);
    }

    @Test
    void emojiAloneCountsTwoCodeUnits() {
        assertThat(split("\uD83D\uDE00".repeat(35), GSM_UDH8)).hasSize(1);
        assertThat(split("\uD83D\uDE00".repeat(35) + "x", GSM_UDH8)).hasSize(2);
    }

    @Test
    void latin1UsesOctetLimits() {
        SegmentationPolicy policy =
                new SegmentationPolicy(EncodingPreference.LATIN1_OR_UCS2, SegmentationMode.UDH8, 255, false);
        assertThat(split("é".repeat(140), policy)).singleElement()
                .satisfies(seg -> assertThat(seg.dataCoding()).isEqualTo(0x03));
        List<Segment> segments = split("é".repeat(141), policy);
        assertThat(segments).hasSize(2);
        assertThat(segments.get(0).shortMessage()).hasSize(6 + 134);
        assertThat(reassemble(segments, policy)).isEqualTo("é".repeat(141));
    }

    @Test
    void sarModeSendsPlainPartsWithSarInfo() {
        SegmentationPolicy policy = policy(SegmentationMode.SAR);
        String s = "c".repeat(161);
        List<Segment> segments = Segmenter.split(text(s), policy, 0x1234);
        assertThat(segments).hasSize(2);
        assertThat(segments.get(0).shortMessage()).hasSize(152);
        assertThat(segments.get(0).udhi()).isFalse();
        assertThat(segments.get(0).sar()).contains(new SarInfo(0x1234, 2, 1));
        assertThat(segments.get(1).sar()).contains(new SarInfo(0x1234, 2, 2));
        assertThat(reassemble(segments, policy)).isEqualTo(s);
    }

    @Test
    void sarModeSinglePartHasNoSarInfo() {
        assertThat(split("short", policy(SegmentationMode.SAR))).singleElement()
                .satisfies(seg -> assertThat(seg.sar()).isEmpty());
    }

    @Test
    void payloadModeSendsOnePduAndCountsSmscSegments() {
        SegmentationPolicy policy = policy(SegmentationMode.PAYLOAD);
        String s = "d".repeat(500);
        List<Segment> segments = Segmenter.split(text(s), policy, 1);
        assertThat(segments).singleElement().satisfies(seg -> {
            assertThat(seg.payloadTlv()).isTrue();
            assertThat(seg.udhi()).isFalse();
            assertThat(seg.shortMessage()).hasSize(500);
            assertThat(seg.total()).isEqualTo(1);
        });
        assertThat(Segmenter.count(text(s), policy)).isEqualTo(4); // 153 * 3 < 500 <= 153 * 4
        assertThat(Segmenter.count(text("short"), policy)).isEqualTo(1);
        assertThat(reassemble(segments, policy)).isEqualTo(s);
    }

    @Test
    void payloadModeRespectsMaxSegments() {
        SegmentationPolicy policy =
                new SegmentationPolicy(EncodingPreference.GSM7_OR_UCS2, SegmentationMode.PAYLOAD, 3, false);
        assertThatThrownBy(() -> Segmenter.split(text("d".repeat(500)), policy, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segments: 4 (expected: <= 3)");
    }

    @Test
    void payloadOver64KibIsRejected() {
        SegmentationPolicy policy = policy(SegmentationMode.PAYLOAD);
        // with at most 255 segments of 134 octets the segment limit always comes first in split
        assertThatThrownBy(() -> Segmenter.split(text("Ж".repeat(40_000)), policy, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segments: 598");
        assertThatThrownBy(() -> Segmenter.count(text("Ж".repeat(40_000)), policy))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message_payload");
    }

    @Test
    void tooManySegmentsIsRejected() {
        SegmentationPolicy policy =
                new SegmentationPolicy(EncodingPreference.GSM7_OR_UCS2, SegmentationMode.UDH8, 2, false);
        assertThat(Segmenter.split(text("e".repeat(306)), policy, 1)).hasSize(2);
        assertThatThrownBy(() -> Segmenter.split(text("e".repeat(307)), policy, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segments: 3 (expected: <= 2)");
        assertThat(Segmenter.count(text("e".repeat(307)), policy)).isEqualTo(3);
    }

    @Test
    void packedGsm7Udh8FillsTheSmsExactly() {
        SegmentationPolicy policy = packed(SegmentationMode.UDH8);
        String s = "hello world ".repeat(20);
        List<Segment> segments = split(s, policy);
        assertThat(segments).hasSize(2);
        byte[] first = segments.get(0).shortMessage();
        assertThat(first).hasSize(140); // 6 + ceil((1 + 153 * 7) / 8)
        assertThat(Gsm7.decode(Gsm7.unpack(Arrays.copyOfRange(first, 6, 140), 153, 1)))
                .isEqualTo(s.substring(0, 153));
        assertThat(reassemble(segments, policy)).isEqualTo(s);
    }

    @Test
    void packedPartEndingWithCrOnAnOctetBoundaryIsCutEarlier() {
        SegmentationPolicy policy = packed(SegmentationMode.UDH8);
        String s = "a".repeat(152) + "\r" + "b".repeat(20); // CR would be septet 153, ending octet 134 exactly
        List<Segment> segments = split(s, policy);
        assertThat(segments).hasSize(2);
        byte[] first = segments.get(0).shortMessage();
        assertThat(Gsm7.unpackAll(Arrays.copyOfRange(first, 6, first.length), 1)).hasSize(152);
        assertThat(reassemble(segments, policy)).isEqualTo(s);
        // unpacked, the CR stays in the first part
        assertThat(split(s, GSM_UDH8).get(0).shortMessage()).hasSize(6 + 153);
    }

    @Test
    void packedGsm7Udh16FillsTheSmsExactly() {
        SegmentationPolicy policy = packed(SegmentationMode.UDH16);
        String s = "x".repeat(400);
        List<Segment> segments = split(s, policy);
        assertThat(segments).hasSize(3);
        assertThat(segments.get(0).shortMessage()).hasSize(140); // 7 + 152 * 7 / 8
        assertThat(reassemble(segments, policy)).isEqualTo(s);
    }

    @Test
    void packedGsm7SinglePart() {
        List<Segment> segments = split("hellohello", packed(SegmentationMode.UDH8));
        assertThat(HexFormat.of().formatHex(segments.get(0).shortMessage())).isEqualTo("e8329bfd4697d9ec37");
        assertThat(split("z".repeat(160), packed(SegmentationMode.UDH8)).get(0).shortMessage()).hasSize(140);
    }

    @Test
    void packedUcs2IsUnaffected() {
        assertThat(split("Ж".repeat(10), packed(SegmentationMode.UDH8)).get(0).shortMessage()).hasSize(20);
    }

    @Test
    void udh8UsesLowByteOfReference() {
        List<Segment> segments = Segmenter.split(text("f".repeat(200)), GSM_UDH8, 0x1234);
        assertThat(UserDataHeader.parse(segments.get(0).shortMessage()).concat())
                .contains(new Concat(0x34, 2, 1, false));
    }

    @Test
    void referenceOutOfRangeIsRejected() {
        assertThatThrownBy(() -> Segmenter.split(text("x"), GSM_UDH8, 0x10000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Segmenter.split(text("x"), GSM_UDH8, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyTextIsOneEmptySegment() {
        assertThat(split("", GSM_UDH8)).singleElement()
                .satisfies(seg -> assertThat(seg.shortMessage()).isEmpty());
    }

    @Test
    void loneSurrogateIsRejected() {
        assertThatThrownBy(() -> Segmenter.split(text("a\uD83D"), GSM_UDH8, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Segmenter.count(text("a\uD83D"), GSM_UDH8))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void multipartIsRejected() {
        Content.Multipart multipart = new Content.Multipart("s", List.of());
        assertThatThrownBy(() -> Segmenter.split(multipart, GSM_UDH8, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Multipart");
        assertThatThrownBy(() -> Segmenter.count(multipart, GSM_UDH8))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void binaryWithUdhIsSentAsIs() {
        byte[] udh = HexFormat.of().parseHex("0605040b8423f0");
        byte[] data = new byte[100];
        Content.Binary binary = new Content.Binary(udh, data, 0xF5);
        List<Segment> segments = Segmenter.split(binary, GSM_UDH8, 1);
        assertThat(segments).singleElement().satisfies(seg -> {
            assertThat(seg.udhi()).isTrue();
            assertThat(seg.dataCoding()).isEqualTo(0xF5);
            assertThat(Arrays.copyOf(seg.shortMessage(), 7)).isEqualTo(udh);
            assertThat(seg.shortMessage()).hasSize(107);
        });
        assertThat(Segmenter.count(binary, GSM_UDH8)).isEqualTo(1);
    }

    @Test
    void binaryWithUdhOver140OctetsIsRejected() {
        Content.Binary binary = new Content.Binary(new byte[] {0}, new byte[140], 0x04);
        assertThatThrownBy(() -> Segmenter.split(binary, GSM_UDH8, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("141 octets");
    }

    @Test
    void binaryOf140OctetsIsOneSegment() {
        Content.Binary binary = new Content.Binary(new byte[0], new byte[140], 0x04);
        assertThat(Segmenter.split(binary, GSM_UDH8, 1)).singleElement().satisfies(seg -> {
            assertThat(seg.udhi()).isFalse();
            assertThat(seg.shortMessage()).hasSize(140);
            assertThat(seg.dataCoding()).isEqualTo(0x04);
        });
    }

    @Test
    void binaryIsSplitPerMode() {
        byte[] data = new byte[300];
        new Random(7).nextBytes(data);
        Content.Binary binary = new Content.Binary(new byte[0], data, 0x04);
        for (SegmentationMode mode : List.of(SegmentationMode.UDH8, SegmentationMode.UDH16, SegmentationMode.SAR)) {
            SegmentationPolicy policy = policy(mode);
            List<Segment> segments = Segmenter.split(binary, policy, 9);
            int part = mode == SegmentationMode.UDH8 ? 134 : 133;
            assertThat(segments).as("%s", mode).hasSize(3);
            assertThat(Segmenter.count(binary, policy)).isEqualTo(3);
            byte[] joined = new byte[0];
            for (Segment seg : segments) {
                int offset = seg.udhi() ? UserDataHeader.parse(seg.shortMessage()).length() : 0;
                assertThat(seg.shortMessage().length - offset).isLessThanOrEqualTo(part);
                byte[] body = Arrays.copyOfRange(seg.shortMessage(), offset, seg.shortMessage().length);
                byte[] next = Arrays.copyOf(joined, joined.length + body.length);
                System.arraycopy(body, 0, next, joined.length, body.length);
                joined = next;
            }
            assertThat(segments.get(0).shortMessage().length).isEqualTo(mode == SegmentationMode.SAR ? 133 : 140);
            assertThat(joined).isEqualTo(data);
        }
        SegmentationPolicy payload = policy(SegmentationMode.PAYLOAD);
        assertThat(Segmenter.split(binary, payload, 9)).singleElement()
                .satisfies(seg -> assertThat(seg.payloadTlv()).isTrue());
        assertThat(Segmenter.count(binary, payload)).isEqualTo(3);
    }

    @Test
    void countMatchesSplitOverRandomTexts() {
        // default-table, extension, non-GSM BMP and supplementary characters, and CR
        String[] pieces = {"a", "Z", " ", "@", "\r", "\n", "€", "{", "^", "é", "ç", "Ж", "中", "\uD83D\uDE00", "\uD801\uDC37"};
        Random random = new Random(20261123);
        int checked = 0;
        for (int round = 0; round < 3000; round++) {
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(random.nextBoolean() ? 200 : 1200);
            // mostly GSM text, sometimes with one foreign character
            int foreignChance = random.nextInt(4);
            for (int i = 0; i < length; i++) {
                int p = random.nextInt(100) < 98 || foreignChance == 0 ? random.nextInt(9) : random.nextInt(pieces.length);
                sb.append(pieces[p]);
            }
            String s = sb.toString();
            EncodingPreference pref = EncodingPreference.values()[random.nextInt(3)];
            SegmentationMode mode = SegmentationMode.values()[random.nextInt(4)];
            boolean pack = random.nextBoolean();
            SegmentationPolicy policy = new SegmentationPolicy(pref, mode, 255, pack);
            List<Segment> segments = Segmenter.split(text(s), policy, random.nextInt(65536));
            int count = Segmenter.count(text(s), policy);
            if (mode == SegmentationMode.PAYLOAD) {
                assertThat(segments).hasSize(1);
                assertThat(count).isEqualTo(Segmenter.count(text(s), new SegmentationPolicy(pref,
                        SegmentationMode.UDH8, 255, pack)));
            } else {
                assertThat(count).as("round %d", round).isEqualTo(segments.size());
                for (Segment seg : segments) {
                    assertThat(seg.shortMessage().length).isLessThanOrEqualTo(pack || seg.dataCoding() != 0 ? 140 : 160);
                }
            }
            if (!(pack && s.endsWith("\r"))) {
                assertThat(reassemble(segments, policy)).as("round %d", round).isEqualTo(s);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(2500);
    }

    @Test
    void segmentEqualityIsByContent() {
        Segment a = new Segment(1, 1, new byte[] {1}, false, 0, Optional.empty(), false);
        Segment b = new Segment(1, 1, new byte[] {1}, false, 0, Optional.empty(), false);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new Segment(1, 1, new byte[] {2}, false, 0, Optional.empty(), false));
    }

    @Test
    void policyRejectsBadMaxSegments() {
        assertThatThrownBy(() -> new SegmentationPolicy(EncodingPreference.UCS2, SegmentationMode.UDH8, 0, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SegmentationPolicy(EncodingPreference.UCS2, SegmentationMode.UDH8, 256, false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
