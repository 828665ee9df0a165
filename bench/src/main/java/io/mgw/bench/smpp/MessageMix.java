package io.mgw.bench.smpp;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The share of each message kind in a run, by message (a {@link Kind#LONG} message is several submits).
 *
 * <p>Parsed from {@code "gsm:80,ucs2:10,long:10"}; weights are relative, not necessarily summing to 100. Kinds
 * are handed out in a fixed interleaved cycle (smooth weighted round robin), so every stretch of
 * {@link #cycleLength()} messages has exactly the configured proportions and runs are reproducible.
 *
 * @param weights weight per kind (only kinds with a positive weight)
 */
public record MessageMix(Map<Kind, Integer> weights) {

  /** A message kind the load tool sends. */
  public enum Kind {
    /** One short GSM 7-bit text (data_coding 0, one octet per character). */
    GSM,
    /** One short UCS-2 text (data_coding 8). */
    UCS2,
    /** A GSM 7-bit text in {@link MessageFactory#LONG_PARTS} parts, each with a concatenation UDH. */
    LONG
  }

  /** Validates that at least one weight is positive and none is negative. */
  public MessageMix {
    requireNonNull(weights, "weights");
    weights = Map.copyOf(weights);
    int total = 0;
    for (Map.Entry<Kind, Integer> e : weights.entrySet()) {
      if (e.getValue() < 0) {
        throw new IllegalArgumentException("mix: " + e.getKey() + ":" + e.getValue() + " (expected: >= 0)");
      }
      total += e.getValue();
    }
    if (total <= 0) {
      throw new IllegalArgumentException("mix: " + weights + " (expected: a positive weight)");
    }
  }

  /**
   * Parses {@code kind:weight[,kind:weight]...} with kinds {@code gsm}, {@code ucs2}, {@code long}.
   *
   * @throws IllegalArgumentException on an unknown kind, a repeated kind or a bad weight
   */
  public static MessageMix parse(String spec) {
    requireNonNull(spec, "spec");
    Map<Kind, Integer> w = new EnumMap<>(Kind.class);
    for (String item : spec.split(",")) {
      String it = item.trim();
      if (it.isEmpty()) {
        continue;
      }
      int colon = it.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("mix: " + it + " (expected: kind:weight)");
      }
      Kind kind;
      try {
        kind = Kind.valueOf(it.substring(0, colon).trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("mix: " + it + " (expected: kind gsm, ucs2 or long)", e);
      }
      int weight;
      try {
        weight = Integer.parseInt(it.substring(colon + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("mix: " + it + " (expected: an integer weight)", e);
      }
      if (w.put(kind, weight) != null) {
        throw new IllegalArgumentException("mix: " + kind + " given twice");
      }
    }
    w.values().removeIf(x -> x == 0);
    return new MessageMix(w);
  }

  /** The kinds in one full cycle, interleaved so that proportions hold over short stretches too. */
  List<Kind> cycle() {
    int g = 0;
    for (int x : weights.values()) {
      g = gcd(g, x);
    }
    Map<Kind, Integer> reduced = new EnumMap<>(Kind.class);
    int total = 0;
    for (Map.Entry<Kind, Integer> e : weights.entrySet()) {
      if (e.getValue() > 0) {
        reduced.put(e.getKey(), e.getValue() / g);
        total += e.getValue() / g;
      }
    }
    Map<Kind, Integer> current = new EnumMap<>(Kind.class);
    reduced.keySet().forEach(k -> current.put(k, 0));
    List<Kind> out = new ArrayList<>(total);
    for (int i = 0; i < total; i++) {
      Kind best = null;
      for (Map.Entry<Kind, Integer> e : reduced.entrySet()) {
        int c = current.get(e.getKey()) + e.getValue();
        current.put(e.getKey(), c);
        if (best == null || c > current.get(best)) {
          best = e.getKey();
        }
      }
      current.put(best, current.get(best) - total);
      out.add(best);
    }
    return List.copyOf(out);
  }

  /** Length of the repeating cycle of kinds. */
  public int cycleLength() {
    return cycle().size();
  }

  /** Submits per message on average (long messages count {@link MessageFactory#LONG_PARTS}). */
  public double submitsPerMessage() {
    double total = 0;
    double parts = 0;
    for (Map.Entry<Kind, Integer> e : weights.entrySet()) {
      total += e.getValue();
      parts += e.getValue() * (e.getKey() == Kind.LONG ? MessageFactory.LONG_PARTS : 1);
    }
    return parts / total;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Kind k : Kind.values()) {
      Integer w = weights.get(k);
      if (w != null) {
        sb.append(sb.isEmpty() ? "" : ",").append(k.name().toLowerCase(Locale.ROOT)).append(':').append(w);
      }
    }
    return sb.toString();
  }
}
