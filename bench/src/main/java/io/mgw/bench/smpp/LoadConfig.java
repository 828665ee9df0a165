package io.mgw.bench.smpp;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of one {@link SmppLoad} run, parsed from command-line flags ({@code --name value}).
 *
 * <p>Rates count {@code submit_sm} PDUs, not messages: a 3-part concatenated message is three submits.
 * The run sends for {@code warmup + duration}; only submits whose intended send time falls in the
 * {@code duration} window after the warm-up are measured.
 *
 * @param host SMPP server host
 * @param port SMPP server port
 * @param systemId bind system_id
 * @param password bind password (never printed)
 * @param systemType bind system_type (may be empty)
 * @param binds number of transmitting binds (transceiver or transmitter, see {@code receiver})
 * @param window outstanding {@code submit_sm} per bind (awaiting their {@code submit_sm_resp})
 * @param rate target {@code submit_sm} per second over all binds; 0 sends as fast as the windows allow
 * @param duration measured sending time
 * @param warmup sending time before the measured window (not measured)
 * @param warmupRate {@code submit_sm} per second during the warm-up (a node just started is still compiling its hot
 *     code; a lower rate there lets it warm up without building a backlog that spills into the measured window)
 * @param mix the message mix, by message
 * @param destPrefix destination address prefix (digits)
 * @param dests how many distinct destinations to spread over
 * @param sourceAddr source address of every submit
 * @param registeredDelivery the registered_delivery byte (SMPP 3.4 §5.2.17); 0 asks for no receipt
 * @param waitReceipts how long to wait, after sending, for receipts still missing; zero does not wait
 * @param receiver where receipts arrive: on the transceiver binds themselves or on separate receiver binds
 * @param rxBinds receiver binds opened when {@code receiver} is {@link ReceiverMode#RECEIVER}
 * @param responseTimeout how long one {@code submit_sm} waits for its response before it counts as a timeout
 * @param json where to write the JSON report, if anywhere
 * @param tlsTrustStore with it, SMPP over TLS: the trust store holding the server's certificate (the host name is
 *     checked as well)
 * @param tlsTrustStorePassword its password
 * @param transport how the binds are made: {@link Transport#NETTY} or {@link Transport#JSMPP} (TLS needs the latter)
 */
public record LoadConfig(
    String host,
    int port,
    String systemId,
    String password,
    String systemType,
    int binds,
    int window,
    int rate,
    Duration duration,
    Duration warmup,
    int warmupRate,
    MessageMix mix,
    String destPrefix,
    int dests,
    String sourceAddr,
    int registeredDelivery,
    Duration waitReceipts,
    ReceiverMode receiver,
    int rxBinds,
    Duration responseTimeout,
    Optional<String> json,
    Optional<String> tlsTrustStore,
    String tlsTrustStorePassword,
    Transport transport) {

  /** How the tool's binds are made. */
  public enum Transport {
    /** {@link NettyBind}: one event loop for all binds, one write per batch of PDUs. */
    NETTY,
    /** jSMPP's SMPPSession: a virtual thread per outstanding submit; also speaks TLS. */
    JSMPP
  }

  /** Where delivery receipts are received. */
  public enum ReceiverMode {
    /** Submits go over transceiver binds, receipts come back on the same binds. */
    TRANSCEIVER,
    /** Submits go over transmitter binds, receipts come back on separate receiver binds. */
    RECEIVER
  }

  /** Validates every field; throws {@link IllegalArgumentException} naming the bad one. */
  public LoadConfig {
    requireNonNull(host, "host");
    requireNonNull(systemId, "systemId");
    requireNonNull(password, "password");
    requireNonNull(systemType, "systemType");
    requireNonNull(duration, "duration");
    requireNonNull(warmup, "warmup");
    requireNonNull(mix, "mix");
    requireNonNull(destPrefix, "destPrefix");
    requireNonNull(sourceAddr, "sourceAddr");
    requireNonNull(waitReceipts, "waitReceipts");
    requireNonNull(receiver, "receiver");
    requireNonNull(responseTimeout, "responseTimeout");
    requireNonNull(json, "json");
    requireNonNull(tlsTrustStore, "tlsTrustStore");
    requireNonNull(tlsTrustStorePassword, "tlsTrustStorePassword");
    requireNonNull(transport, "transport");
    check(tlsTrustStore.isEmpty() || transport == Transport.JSMPP,
        "tls-trust-store: TLS only with --transport jsmpp");
    check(port > 0 && port < 65536, "port: " + port + " (expected: 1..65535)");
    check(binds > 0, "binds: " + binds + " (expected: > 0)");
    check(window > 0, "window: " + window + " (expected: > 0)");
    check(rate >= 0, "rate: " + rate + " (expected: >= 0)");
    check(duration.toMillis() > 0, "duration: " + duration + " (expected: > 0)");
    check(!warmup.isNegative(), "warmup: " + warmup + " (expected: >= 0)");
    check(rate == 0 ? warmupRate == 0 : warmupRate > 0,
        "warmup-rate: " + warmupRate + (rate == 0 ? " (expected: 0 with --rate 0)" : " (expected: > 0)"));
    check(destPrefix.chars().allMatch(c -> c >= '0' && c <= '9'),
        "dest-prefix: " + destPrefix + " (expected: digits)");
    check(dests > 0, "dests: " + dests + " (expected: > 0)");
    check(registeredDelivery >= 0 && registeredDelivery <= 255,
        "registered-delivery: " + registeredDelivery + " (expected: 0..255)");
    check(!waitReceipts.isNegative(), "wait-receipts: " + waitReceipts + " (expected: >= 0)");
    check(rxBinds > 0, "rx-binds: " + rxBinds + " (expected: > 0)");
    check(responseTimeout.toMillis() > 0, "response-timeout: " + responseTimeout + " (expected: > 0)");
  }

  /** Whether receipts are requested and waited for at the end of the run. */
  public boolean waitsForReceipts() {
    return (registeredDelivery & 0x03) != 0 && waitReceipts.toMillis() > 0;
  }

  /** Whether receipts are requested at all (SMSC delivery receipt bits of registered_delivery). */
  public boolean requestsReceipts() {
    return (registeredDelivery & 0x03) != 0;
  }

  /** The flags and their defaults, in the order {@link #usage()} lists them. */
  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("host", "127.0.0.1");
    d.put("port", "2775");
    d.put("system-id", "demo");
    d.put("password", "");
    d.put("system-type", "");
    d.put("binds", "4");
    d.put("window", "50");
    d.put("rate", "10000");
    d.put("duration", "60s");
    d.put("warmup", "10s");
    d.put("warmup-rate", "");
    d.put("mix", "gsm:80,ucs2:10,long:10");
    d.put("dest-prefix", "4479");
    d.put("dests", "100000");
    d.put("source-addr", "12345");
    d.put("registered-delivery", "1");
    d.put("wait-receipts", "60s");
    d.put("receiver", "transceiver");
    d.put("rx-binds", "");
    d.put("response-timeout", "10s");
    d.put("json", "");
    d.put("tls-trust-store", "");
    d.put("tls-trust-store-password", "");
    d.put("transport", "netty");
    return d;
  }

  /** One line per flag with its default, for {@code --help}. */
  public static String usage() {
    StringBuilder sb = new StringBuilder("usage: SmppLoad [--flag value]...\n");
    defaults().forEach((k, v) -> sb.append("  --").append(k).append(' ')
        .append(k.endsWith("password") ? "<secret>" : v.isEmpty() ? "<none>" : v).append('\n'));
    sb.append("  durations: 500ms, 20s, 2m; --rate 0 = as fast as the windows allow;")
        .append(" --rx-binds defaults to --binds; --warmup-rate defaults to --rate;")
        .append(" --receiver transceiver|receiver; --transport netty|jsmpp (TLS: jsmpp)\n");
    return sb.toString();
  }

  /**
   * Parses {@code --name value} pairs (also {@code --name=value}); unknown flags and bad values throw
   * {@link IllegalArgumentException} with a message naming the flag.
   */
  public static LoadConfig parse(String... args) {
    requireNonNull(args, "args");
    Map<String, String> v = defaults();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("argument: " + a + " (expected: --flag value)");
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--" + name + ": missing value");
        }
        value = args[++i];
      }
      if (!v.containsKey(name)) {
        throw new IllegalArgumentException("unknown flag: --" + name);
      }
      v.put(name, value);
    }
    int binds = intFlag(v, "binds");
    String rx = v.get("rx-binds");
    return new LoadConfig(
        v.get("host"),
        intFlag(v, "port"),
        v.get("system-id"),
        v.get("password"),
        v.get("system-type"),
        binds,
        intFlag(v, "window"),
        intFlag(v, "rate"),
        parseDuration("duration", v.get("duration")),
        parseDuration("warmup", v.get("warmup")),
        v.get("warmup-rate").isEmpty() ? intFlag(v, "rate") : parseInt("warmup-rate", v.get("warmup-rate")),
        MessageMix.parse(v.get("mix")),
        v.get("dest-prefix"),
        intFlag(v, "dests"),
        v.get("source-addr"),
        intFlag(v, "registered-delivery"),
        parseDuration("wait-receipts", v.get("wait-receipts")),
        receiverMode(v.get("receiver")),
        rx.isEmpty() ? binds : parseInt("rx-binds", rx),
        parseDuration("response-timeout", v.get("response-timeout")),
        v.get("json").isEmpty() ? Optional.empty() : Optional.of(v.get("json")),
        v.get("tls-trust-store").isEmpty() ? Optional.empty() : Optional.of(v.get("tls-trust-store")),
        v.get("tls-trust-store-password"),
        transport(v.get("transport")));
  }

  private static Transport transport(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "netty" -> Transport.NETTY;
      case "jsmpp" -> Transport.JSMPP;
      default -> throw new IllegalArgumentException("transport: " + s + " (expected: netty or jsmpp)");
    };
  }

  private static ReceiverMode receiverMode(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "transceiver", "trx" -> ReceiverMode.TRANSCEIVER;
      case "receiver", "rx" -> ReceiverMode.RECEIVER;
      default -> throw new IllegalArgumentException("receiver: " + s + " (expected: transceiver or receiver)");
    };
  }

  private static int intFlag(Map<String, String> v, String name) {
    return parseInt(name, v.get(name));
  }

  private static int parseInt(String name, String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": " + s + " (expected: an integer)", e);
    }
  }

  /**
   * Parses {@code 250ms}, {@code 20s}, {@code 2m}, {@code 1h}, or a bare number of seconds.
   *
   * @throws IllegalArgumentException for anything else
   */
  static Duration parseDuration(String name, String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      } else if (t.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
      } else if (t.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
      }
      return Duration.ofSeconds(Long.parseLong(t));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": " + s + " (expected: a duration like 500ms, 20s, 2m)", e);
    }
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "LoadConfig[host=" + host + ", port=" + port + ", systemId=" + systemId + ", binds=" + binds
        + ", window=" + window + ", rate=" + rate + ", duration=" + duration + ", warmup=" + warmup
        + ", mix=" + mix + ", destPrefix=" + destPrefix + ", dests=" + dests
        + ", registeredDelivery=" + registeredDelivery + ", waitReceipts=" + waitReceipts
        + ", receiver=" + receiver + ", rxBinds=" + rxBinds + ", responseTimeout=" + responseTimeout
        + ", transport=" + transport + (tlsTrustStore.isPresent() ? ", TLS" : "") + "]";
  }
}
