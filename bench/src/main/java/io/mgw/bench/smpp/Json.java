package io.mgw.bench.smpp;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * Writes maps, lists, strings, numbers, booleans and nulls as JSON (RFC 8259). Small on purpose: the
 * report is a tree of those, and the bench module needs no JSON library for it.
 */
final class Json {

  private Json() {}

  /** JSON text of {@code value}, indented with two spaces. */
  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.append('\n').toString();
  }

  private static void write(StringBuilder sb, Object v, int depth) {
    switch (v) {
      case null -> sb.append("null");
      case String s -> string(sb, s);
      case Boolean b -> sb.append(b);
      case Double d -> sb.append(d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.3f", d));
      case Float f -> write(sb, f.doubleValue(), depth);
      case Number n -> sb.append(n);
      case long[] arr -> {
        sb.append('[');
        for (int i = 0; i < arr.length; i++) {
          sb.append(i == 0 ? "" : ",").append(arr[i]);
        }
        sb.append(']');
      }
      case Map<?, ?> m -> {
        if (m.isEmpty()) {
          sb.append("{}");
          return;
        }
        sb.append("{\n");
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          indent(sb, depth + 1);
          string(sb, String.valueOf(e.getKey()));
          sb.append(": ");
          write(sb, e.getValue(), depth + 1);
          sb.append(++i < m.size() ? ",\n" : "\n");
        }
        indent(sb, depth);
        sb.append('}');
      }
      case Collection<?> c -> {
        sb.append('[');
        int i = 0;
        for (Object o : c) {
          sb.append(i++ == 0 ? "" : ", ");
          write(sb, o, depth + 1);
        }
        sb.append(']');
      }
      default -> string(sb, v.toString());
    }
  }

  private static void indent(StringBuilder sb, int depth) {
    sb.append("  ".repeat(depth));
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
