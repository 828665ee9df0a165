package io.mgw.core.text;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * SMPP {@code data_coding} (SMPP 3.4 §5.2.19) and the text codecs behind it.
 *
 * <p>Values the gateway accepts ({@link #isValid}); everything else should be answered with ESME_RINVDCS:
 * <pre>
 *  0x00        SMSC default alphabet, taken as GSM 7-bit unpacked (one septet per octet)   GSM7
 *  0x01        IA5 / US-ASCII                                                              ASCII
 *  0x02, 0x04  8-bit binary                                                                BINARY
 *  0x03        ISO-8859-1                                                                  LATIN1
 *  0x08        UCS-2, carried as UTF-16BE                                                  UCS2
 *  0x10-0x1F   GSM general data coding with message class (TS 23.038 §4, group 00x1):
 *              bits 3-2 alphabet 00 GSM7, 01 8-bit, 10 UCS2 (11 reserved: invalid)
 *  0xC0-0xDF   GSM message waiting indication, discard / store                             GSM7
 *  0xE0-0xEF   GSM message waiting indication, store, UCS2                                 UCS2
 *  0xF0-0xFF   GSM data coding / message class: bit 2 = 0 GSM7, 1 8-bit
 * </pre>
 * Invalid: 0x05 JIS, 0x06 ISO-8859-5, 0x07 ISO-8859-8, 0x09 pictogram, 0x0A ISO-2022-JP, 0x0D extended Kanji,
 * 0x0E KS C 5601 (alphabets we do not support), 0x0B, 0x0C, 0x0F (reserved), 0x20-0x3F (GSM compressed text, which we
 * do not support), 0x40-0xBF (reserved in SMPP 3.4), and anything outside 0..255. SMPP values 0x00-0x0F keep their
 * SMPP meaning; they are not read as GSM DCS bits.
 */
public final class DataCoding {

    /** SMPP data_coding 0x00, SMSC default alphabet (GSM 7-bit here). */
    public static final int SMSC_DEFAULT = 0x00;
    /** SMPP data_coding 0x01, IA5 / ASCII. */
    public static final int IA5 = 0x01;
    /** SMPP data_coding 0x03, Latin-1. */
    public static final int LATIN1 = 0x03;
    /** SMPP data_coding 0x04, 8-bit binary. */
    public static final int OCTET = 0x04;
    /** SMPP data_coding 0x08, UCS-2. */
    public static final int UCS2 = 0x08;

    private DataCoding() {}

    /** The encoding {@code dataCoding} implies, or null when the gateway does not accept it. */
    private static SmsEncoding classify(int dataCoding) {
        if (dataCoding < 0 || dataCoding > 0xFF) {
            return null;
        }
        if (dataCoding <= 0x0F) {
            return switch (dataCoding) {
                case 0x00 -> SmsEncoding.GSM7;
                case 0x01 -> SmsEncoding.ASCII;
                case 0x02, 0x04 -> SmsEncoding.BINARY;
                case 0x03 -> SmsEncoding.LATIN1;
                case 0x08 -> SmsEncoding.UCS2;
                default -> null;
            };
        }
        if (dataCoding <= 0x1F) {
            return switch ((dataCoding >>> 2) & 0x03) {
                case 0 -> SmsEncoding.GSM7;
                case 1 -> SmsEncoding.BINARY;
                case 2 -> SmsEncoding.UCS2;
                default -> null;
            };
        }
        if (dataCoding < 0xC0) {
            return null;
        }
        if (dataCoding < 0xE0) {
            return SmsEncoding.GSM7;
        }
        if (dataCoding < 0xF0) {
            return SmsEncoding.UCS2;
        }
        return (dataCoding & 0x04) == 0 ? SmsEncoding.GSM7 : SmsEncoding.BINARY;
    }

    /**
     * Whether the gateway accepts {@code dataCoding} (see the class comment for the table).
     *
     * @param dataCoding the SMPP data_coding octet, 0..255
     * @return false for reserved or unsupported values, which should be rejected with ESME_RINVDCS
     */
    public static boolean isValid(int dataCoding) {
        return classify(dataCoding) != null;
    }

    /**
     * The encoding of {@code dataCoding} without a decision on text or binary.
     *
     * @param dataCoding a valid data_coding
     * @return GSM7, ASCII, LATIN1, UCS2 or BINARY
     * @throws IllegalArgumentException if {@code dataCoding} is not {@linkplain #isValid valid}
     */
    public static SmsEncoding encodingOf(int dataCoding) {
        SmsEncoding encoding = classify(dataCoding);
        if (encoding == null) {
            throw invalid(dataCoding);
        }
        return encoding;
    }

    /**
     * The text encoding of {@code dataCoding}.
     *
     * @param dataCoding a valid data_coding
     * @return the encoding, or empty when the payload is binary (0x02, 0x04 and the GSM 8-bit groups)
     * @throws IllegalArgumentException if {@code dataCoding} is not {@linkplain #isValid valid}
     */
    public static Optional<SmsEncoding> textEncoding(int dataCoding) {
        SmsEncoding encoding = encodingOf(dataCoding);
        return encoding == SmsEncoding.BINARY ? Optional.empty() : Optional.of(encoding);
    }

    /**
     * Decodes a short_message (or message_payload) as text.
     *
     * <ul>
     *   <li>GSM7 values (0x00, GSM groups): unpacked septets, decoded by {@link Gsm7#decode(byte[])};</li>
     *   <li>0x01: US-ASCII, an octet above 0x7F becomes U+FFFD;</li>
     *   <li>0x03: ISO-8859-1;</li>
     *   <li>UCS2 values (0x08, GSM groups): UTF-16BE; surrogate pairs give supplementary characters, a lone surrogate
     *       becomes U+FFFD (and only it: the code unit after it is kept).</li>
     * </ul>
     *
     * @param bytes      the octets, without a user data header
     * @param dataCoding the data_coding they came with
     * @return the text
     * @throws IllegalArgumentException for a binary or invalid data_coding, or UCS-2 of odd length
     */
    public static String decode(byte[] bytes, int dataCoding) {
        requireNonNull(bytes, "bytes");
        return switch (encodingOf(dataCoding)) {
            case GSM7 -> Gsm7.decode(bytes);
            case ASCII -> new String(bytes, StandardCharsets.US_ASCII);
            case LATIN1 -> new String(bytes, StandardCharsets.ISO_8859_1);
            case UCS2 -> {
                if ((bytes.length & 1) != 0) {
                    throw new IllegalArgumentException(
                            "UCS-2 length: " + bytes.length + " octets (expected: even)");
                }
                yield decodeUcs2(bytes);
            }
            case BINARY -> throw new IllegalArgumentException(
                    "dataCoding: 0x" + hex(dataCoding) + " is binary, not text");
        };
    }

    /**
     * Encodes {@code text}; GSM7 is unpacked (one septet per octet, see {@link Gsm7#pack} for the packed form).
     *
     * @param text     the text
     * @param encoding GSM7, ASCII, LATIN1 or UCS2
     * @return a new array
     * @throws IllegalArgumentException naming the first character (and its index) the encoding cannot carry, a lone
     *                                  surrogate for UCS2, or for {@link SmsEncoding#BINARY}
     */
    public static byte[] encode(String text, SmsEncoding encoding) {
        requireNonNull(text, "text");
        requireNonNull(encoding, "encoding");
        return switch (encoding) {
            case GSM7 -> Gsm7.encode(text);
            case ASCII -> {
                checkMax(text, 0x7F, "US-ASCII");
                yield text.getBytes(StandardCharsets.US_ASCII);
            }
            case LATIN1 -> {
                checkMax(text, 0xFF, "ISO-8859-1");
                yield text.getBytes(StandardCharsets.ISO_8859_1);
            }
            case UCS2 -> {
                int bad = firstLoneSurrogate(text);
                if (bad >= 0) {
                    throw new IllegalArgumentException("lone surrogate U+"
                            + String.format("%04X", (int) text.charAt(bad)) + " at index " + bad + " cannot be encoded as UCS-2");
                }
                yield text.getBytes(StandardCharsets.UTF_16BE);
            }
            case BINARY -> throw new IllegalArgumentException("encoding: BINARY (expected: a text encoding)");
        };
    }

    /**
     * The SMPP data_coding to send text of {@code encoding} with.
     *
     * @param encoding the encoding
     * @return GSM7 0x00, ASCII 0x01, LATIN1 0x03, UCS2 0x08, BINARY 0x04
     */
    public static int dataCodingFor(SmsEncoding encoding) {
        requireNonNull(encoding, "encoding");
        return switch (encoding) {
            case GSM7 -> SMSC_DEFAULT;
            case ASCII -> IA5;
            case LATIN1 -> LATIN1;
            case UCS2 -> UCS2;
            case BINARY -> OCTET;
        };
    }

    /**
     * The cheapest encoding {@code pref} allows that can carry {@code text}: GSM7 (or LATIN1) when every character
     * fits, else UCS2. UCS2 is returned even for text with a lone surrogate, which {@link #encode} then rejects.
     *
     * @param text the text
     * @param pref what the connector allows
     * @return GSM7, LATIN1 or UCS2
     */
    public static SmsEncoding choose(String text, EncodingPreference pref) {
        requireNonNull(text, "text");
        requireNonNull(pref, "pref");
        return switch (pref) {
            case GSM7_OR_UCS2 -> Gsm7.canEncode(text) ? SmsEncoding.GSM7 : SmsEncoding.UCS2;
            case LATIN1_OR_UCS2 -> maxChar(text) <= 0xFF ? SmsEncoding.LATIN1 : SmsEncoding.UCS2;
            case UCS2 -> SmsEncoding.UCS2;
        };
    }

    /**
     * UTF-16BE decoding by hand: the JDK decoder drops the code unit after a high surrogate that is not followed by
     * a low one, which would lose a character of text from a sloppy sender; here only the lone surrogate is replaced.
     */
    private static String decodeUcs2(byte[] bytes) {
        char[] chars = new char[bytes.length >>> 1];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) (((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF));
        }
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (Character.isHighSurrogate(c) && i + 1 < chars.length && Character.isLowSurrogate(chars[i + 1])) {
                i++;
            } else if (Character.isSurrogate(c)) {
                chars[i] = '\uFFFD';
            }
        }
        return new String(chars);
    }

    /**
     * Whether {@code octets} under {@code dataCoding} are UCS-2 text: a valid data_coding whose text encoding is
     * UCS-2, and an even number of octets. Such octets kept as {@code Content.Binary} are text cut at a surrogate
     * pair ({@link #cutsSurrogatePair}), not binary data.
     */
    public static boolean isUcs2Octets(byte[] octets, int dataCoding) {
        return (octets.length & 1) == 0 && isValid(dataCoding) && encodingOf(dataCoding) == SmsEncoding.UCS2;
    }

    /**
     * Whether UCS-2 octets start with the second half of a surrogate pair or end with the first half: the mark of a
     * sender that split a supplementary character (an emoji, say) between two parts of a concatenated message, as
     * senders that cut every 67 UTF-16 code units do. Decoded part by part, each half would become U+FFFD; kept as
     * octets until the parts are sent on (or joined), the handset gets the character whole. False for octets that
     * are not {@linkplain #isUcs2Octets UCS-2}.
     *
     * @param octets     the part's user data without its header
     * @param dataCoding the data_coding it came with
     */
    public static boolean cutsSurrogatePair(byte[] octets, int dataCoding) {
        requireNonNull(octets, "octets");
        int n = octets.length;
        if (n < 2 || !isUcs2Octets(octets, dataCoding)) {
            return false;
        }
        char first = (char) (((octets[0] & 0xFF) << 8) | (octets[1] & 0xFF));
        char last = (char) (((octets[n - 2] & 0xFF) << 8) | (octets[n - 1] & 0xFF));
        return Character.isLowSurrogate(first) || Character.isHighSurrogate(last);
    }

    /** Index of the first unpaired surrogate in {@code s}, or -1. */
    static int firstLoneSurrogate(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    private static int maxChar(String s) {
        int max = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            max = Math.max(max, s.charAt(i));
        }
        return max;
    }

    private static void checkMax(String text, int max, String charset) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c > max) {
                throw new IllegalArgumentException("character U+" + String.format("%04X", (int) c) + " at index " + i
                        + " is not in " + charset);
            }
        }
    }

    private static IllegalArgumentException invalid(int dataCoding) {
        return new IllegalArgumentException("dataCoding: 0x" + hex(dataCoding) + " (expected: a supported value, "
                + "see DataCoding.isValid)");
    }

    private static String hex(int v) {
        return Integer.toHexString(v);
    }
}
