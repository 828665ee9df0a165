package io.mgw.bench.smpp;

import static java.util.Objects.requireNonNull;

import io.mgw.bench.smpp.MessageMix.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the submits of message number {@code n} of a run: its kind from the {@link MessageMix} cycle, a
 * destination spread over {@code dests} numbers after a prefix, and a text that carries {@code n}.
 *
 * <p>GSM texts use only characters whose GSM 03.38 default-alphabet code equals their ASCII code (letters,
 * digits, space, a few punctuation marks), so the unpacked data_coding 0 octets are simply the ASCII bytes.
 * Long messages are split by the tool itself into {@link #LONG_PARTS} parts of at most
 * {@link #LONG_PART_CHARS} characters, each starting with the 6-octet concatenation UDH
 * ({@code 05 00 03 ref total seq}, 3GPP TS 23.040 §9.2.3.24.1) and sent with esm_class UDHI (0x40).
 */
public final class MessageFactory {

  /** Parts of a {@link Kind#LONG} message. */
  public static final int LONG_PARTS = 3;
  /** GSM 7-bit characters per part once the 6-octet UDH takes its share of 160 septets. */
  public static final int LONG_PART_CHARS = 153;

  static final byte DC_DEFAULT = 0x00;
  static final byte DC_UCS2 = 0x08;
  static final byte ESM_DEFAULT = 0x00;
  static final byte ESM_UDHI = 0x40;

  private static final String FILLER =
      "The quick brown fox jumps over the lazy dog 0123456789 while mgw measures every hop of the way ";
  private static final String UCS2_TEXT = "Нагрузочный тест mgw Ωμέγα 测试 №";
  private static final long SPREAD = 2_654_435_761L;

  private final List<Kind> cycle;
  private final String destPrefix;
  private final int dests;
  private final int destDigits;

  /**
   * @param mix message kinds and their shares
   * @param destPrefix digits every destination starts with
   * @param dests how many distinct destinations to use (> 0)
   */
  public MessageFactory(MessageMix mix, String destPrefix, int dests) {
    requireNonNull(mix, "mix");
    this.destPrefix = requireNonNull(destPrefix, "destPrefix");
    if (dests <= 0) {
      throw new IllegalArgumentException("dests: " + dests + " (expected: > 0)");
    }
    this.cycle = mix.cycle();
    this.dests = dests;
    this.destDigits = Math.max(String.valueOf(dests - 1).length(), 12 - destPrefix.length());
  }

  /** One {@code submit_sm} to send: destination, esm_class, data_coding and short_message octets. */
  public record Part(Kind kind, String destination, byte esmClass, byte dataCoding, byte[] shortMessage) {
    /** Checks the fields are present. */
    public Part {
      requireNonNull(kind, "kind");
      requireNonNull(destination, "destination");
      requireNonNull(shortMessage, "shortMessage");
    }
  }

  /** The kind of message {@code n} (n >= 0). */
  public Kind kindOf(long n) {
    return cycle.get((int) (n % cycle.size()));
  }

  /** The destination of message {@code n}: the prefix and a number in {@code [0, dests)}, zero padded. */
  public String destinationOf(long n) {
    long k = Math.floorMod(n * SPREAD, (long) dests);
    String digits = Long.toString(k);
    StringBuilder sb = new StringBuilder(destPrefix.length() + destDigits).append(destPrefix);
    for (int i = digits.length(); i < destDigits; i++) {
      sb.append('0');
    }
    return sb.append(digits).toString();
  }

  /** The submits of message {@code n}, in part order. */
  public List<Part> message(long n) {
    Kind kind = kindOf(n);
    String dest = destinationOf(n);
    return switch (kind) {
      case GSM -> List.of(new Part(kind, dest, ESM_DEFAULT, DC_DEFAULT, ascii(gsmText(n, 60))));
      case UCS2 -> List.of(new Part(kind, dest, ESM_DEFAULT, DC_UCS2,
          (UCS2_TEXT + n).getBytes(StandardCharsets.UTF_16BE)));
      case LONG -> longParts(n, dest);
    };
  }

  private static List<Part> longParts(long n, String dest) {
    String text = gsmText(n, LONG_PARTS * LONG_PART_CHARS);
    byte ref = (byte) n;
    List<Part> parts = new ArrayList<>(LONG_PARTS);
    for (int i = 0; i < LONG_PARTS; i++) {
      byte[] body = ascii(text.substring(i * LONG_PART_CHARS, (i + 1) * LONG_PART_CHARS));
      byte[] sm = new byte[6 + body.length];
      sm[0] = 0x05; // UDH length
      sm[1] = 0x00; // IEI: concatenated short message, 8-bit reference
      sm[2] = 0x03; // IE length
      sm[3] = ref;
      sm[4] = (byte) LONG_PARTS;
      sm[5] = (byte) (i + 1);
      System.arraycopy(body, 0, sm, 6, body.length);
      parts.add(new Part(Kind.LONG, dest, ESM_UDHI, DC_DEFAULT, sm));
    }
    return List.copyOf(parts);
  }

  /** A text of exactly {@code length} GSM/ASCII-safe characters that starts with the message number. */
  static String gsmText(long n, int length) {
    StringBuilder sb = new StringBuilder(length + FILLER.length()).append("mgw bench ").append(n).append(' ');
    while (sb.length() < length) {
      sb.append(FILLER);
    }
    sb.setLength(length);
    return sb.toString();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
