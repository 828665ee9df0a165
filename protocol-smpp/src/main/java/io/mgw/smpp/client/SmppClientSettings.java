package io.mgw.smpp.client;

import static java.util.Objects.requireNonNull;

import io.mgw.core.config.ConnectorConfig;
import io.mgw.core.config.TlsConfig;
import io.mgw.core.segment.SegmentationMode;
import io.mgw.core.segment.SegmentationPolicy;
import io.mgw.core.text.EncodingPreference;
import io.mgw.smpp.receipt.RemoteIdNormalizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings of one SMPP client connector, read from {@link ConnectorConfig#settings()} and validated once, at
 * construction. Every error names its key: {@code connectors.<id>.window: 0 (expected: >= 1)}.
 *
 * <table>
 *   <caption>Keys (durations: "500ms", "30s", "2m", "1h", ISO-8601 "PT30S", or a bare number of milliseconds)</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>host</td><td>required</td><td>SMSC address</td></tr>
 *   <tr><td>port</td><td>2775</td><td>SMSC port</td></tr>
 *   <tr><td>systemId</td><td>required</td><td>bind system_id (max 15 characters)</td></tr>
 *   <tr><td>password</td><td>""</td><td>bind password (max 8 characters); never logged</td></tr>
 *   <tr><td>systemType</td><td>""</td><td>bind system_type</td></tr>
 *   <tr><td>addressRange</td><td>""</td><td>bind address_range</td></tr>
 *   <tr><td>bindType</td><td>TRX</td><td>TRX, or TX+RX (a transmitter and a receiver per bind slot)</td></tr>
 *   <tr><td>bindsPerNode</td><td>1</td><td>bind slots this node opens</td></tr>
 *   <tr><td>window</td><td>10</td><td>outstanding submit_sm per bind</td></tr>
 *   <tr><td>enquireLinkInterval</td><td>30s</td><td>idle time before enquire_link</td></tr>
 *   <tr><td>responseTimeout</td><td>10s</td><td>wait for any response; submit_sm past it is an unknown outcome</td></tr>
 *   <tr><td>bindTimeout</td><td>5s</td><td>wait for bind_resp</td></tr>
 *   <tr><td>interfaceVersion</td><td>3.4</td><td>3.3, 3.4 or 5.0</td></tr>
 *   <tr><td>encoding</td><td>GSM7_OR_UCS2</td><td>GSM7_OR_UCS2, LATIN1_OR_UCS2 or UCS2</td></tr>
 *   <tr><td>segmentation</td><td>UDH8</td><td>UDH8, UDH16, SAR or PAYLOAD</td></tr>
 *   <tr><td>packGsm7</td><td>false</td><td>send GSM 7-bit packed, and unpack GSM 7-bit MO</td></tr>
 *   <tr><td>maxSegments</td><td>10</td><td>longest message, in segments (1..255)</td></tr>
 *   <tr><td>remoteIdFormat</td><td>auto</td><td>see {@link RemoteIdNormalizer}</td></tr>
 *   <tr><td>sourceTon / sourceNpi</td><td>from the address</td><td>override source_addr_ton / _npi</td></tr>
 *   <tr><td>destTon / destNpi</td><td>from the address</td><td>override dest_addr_ton / _npi</td></tr>
 *   <tr><td>receipts</td><td>always</td><td>always: registered_delivery 1 on every submit (so every message reaches a
 *       final state); when-asked: only when the message asks for a report</td></tr>
 *   <tr><td>validity</td><td>message</td><td>message: validity_period = the message's validity (absolute);
 *       none: leave it to the SMSC's default (for SMSCs that refuse long validities with ESME_RINVEXPIRY)</td></tr>
 *   <tr><td>reconnectBackoffMin / Max</td><td>1s / 60s</td><td>rebind backoff: exponential, jittered, capped</td></tr>
 *   <tr><td>throttleRetryAfter</td><td>1s</td><td>pause asked for when the SMSC throttles</td></tr>
 *   <tr><td>circuitFailureRate</td><td>50</td><td>percent of failed calls that opens the circuit</td></tr>
 *   <tr><td>circuitMinimumCalls</td><td>20</td><td>calls before the rate counts</td></tr>
 *   <tr><td>circuitOpenDuration</td><td>30s</td><td>open time before trial calls</td></tr>
 *   <tr><td>receiptAckTimeout</td><td>30s</td><td>longest wait for the receipt/MO stage before answering
 *       RX_T_APPN</td></tr>
 *   <tr><td>closeTimeout</td><td>5s</td><td>wait for outstanding responses on close</td></tr>
 *   <tr><td>tls</td><td>false</td><td>SMPP over TLS (the SMSC's TLS port goes in {@code port})</td></tr>
 *   <tr><td>tlsTrustStore / tlsTrustStorePassword</td><td>the JDK's CAs</td><td>certificates trusted for the
 *       SMSC (PKCS#12 or JKS)</td></tr>
 *   <tr><td>tlsKeyStore / tlsKeyStorePassword</td><td>none</td><td>our client certificate, for SMSCs that ask for
 *       one</td></tr>
 *   <tr><td>tlsVerifyHostname</td><td>true</td><td>check that the SMSC's certificate names {@code host}</td></tr>
 *   <tr><td>tlsProtocols</td><td>the JDK's (TLSv1.3, TLSv1.2)</td><td>TLS versions offered, comma-separated</td></tr>
 * </table>
 *
 * <p>Keys starting with {@value #EGRESS_PREFIX} (such as {@code egress.inflight}) belong to the routing egress that
 * feeds this connector from the same settings map; they are ignored here. Any other unknown key is an error.
 */
public record SmppClientSettings(
        String host,
        int port,
        String systemId,
        String password,
        String systemType,
        String addressRange,
        BindMode bindType,
        int bindsPerNode,
        int window,
        Duration enquireLinkInterval,
        Duration responseTimeout,
        Duration bindTimeout,
        int interfaceVersion,
        SegmentationPolicy segmentation,
        RemoteIdNormalizer.Format remoteIdFormat,
        OptionalInt sourceTon,
        OptionalInt sourceNpi,
        OptionalInt destTon,
        OptionalInt destNpi,
        boolean receiptsAlways,
        boolean sendValidity,
        Duration reconnectBackoffMin,
        Duration reconnectBackoffMax,
        Duration throttleRetryAfter,
        int circuitFailureRate,
        int circuitMinimumCalls,
        Duration circuitOpenDuration,
        Duration receiptAckTimeout,
        Duration closeTimeout,
        Optional<TlsConfig> tls) {

    /** How a bind slot connects. */
    public enum BindMode {
        /** One bind_transceiver per slot. */
        TRX,
        /** A bind_transmitter and a bind_receiver per slot. */
        TX_RX
    }

    /** Prefix of the keys read by the routing egress from the same settings map; this connector ignores them. */
    public static final String EGRESS_PREFIX = "egress.";

    /**
     * Every key this connector reads; any other key is an error (typos do not go unnoticed), except the keys
     * starting with {@link #EGRESS_PREFIX}.
     */
    public static final Set<String> KEYS = Set.of("host", "port", "systemId", "password", "systemType",
            "addressRange", "bindType", "bindsPerNode", "window", "enquireLinkInterval", "responseTimeout",
            "bindTimeout", "interfaceVersion", "encoding", "segmentation", "packGsm7", "maxSegments",
            "remoteIdFormat", "sourceTon", "sourceNpi", "destTon", "destNpi", "receipts", "validity", "reconnectBackoffMin",
            "reconnectBackoffMax", "throttleRetryAfter", "circuitFailureRate", "circuitMinimumCalls",
            "circuitOpenDuration", "receiptAckTimeout", "closeTimeout", "tls", "tlsTrustStore", "tlsTrustStorePassword",
            "tlsKeyStore", "tlsKeyStorePassword", "tlsVerifyHostname", "tlsProtocols");

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    public SmppClientSettings {
        requireNonNull(host, "host");
        requireNonNull(systemId, "systemId");
        requireNonNull(password, "password");
        requireNonNull(systemType, "systemType");
        requireNonNull(addressRange, "addressRange");
        requireNonNull(bindType, "bindType");
        requireNonNull(segmentation, "segmentation");
        requireNonNull(remoteIdFormat, "remoteIdFormat");
        requireNonNull(tls, "tls");
    }

    /** Like the record's own, but never shows the password. */
    @Override
    public String toString() {
        return "SmppClientSettings[" + systemId + "@" + host + ":" + port + ", password=***, " + bindType + " x"
                + bindsPerNode + ", window=" + window + ", " + segmentation + ", remoteIdFormat="
                + remoteIdFormat.setting() + (tls.isPresent() ? ", TLS" : "") + "]";
    }

    /**
     * Reads and validates the settings of {@code config}.
     *
     * @throws IllegalArgumentException naming the key, the bad value and what was expected
     */
    public static SmppClientSettings from(ConnectorConfig config) {
        var r = new Reader(config);
        for (String key : config.settings().keySet()) {
            if (!KEYS.contains(key) && !key.startsWith(EGRESS_PREFIX)) {
                throw new IllegalArgumentException(r.key(key) + ": unknown setting (expected one of: "
                        + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        String host = r.required("host");
        int port = r.intIn("port", 2775, 1, 65535);
        String systemId = r.required("systemId");
        if (systemId.length() > 15) {
            throw r.bad("systemId", systemId, "at most 15 characters");
        }
        String password = config.setting("password", "");
        if (password.length() > 8) {
            throw new IllegalArgumentException(r.key("password") + ": " + password.length()
                    + " characters (expected: at most 8)");
        }
        String systemType = config.setting("systemType", "");
        if (systemType.length() > 12) {
            throw r.bad("systemType", systemType, "at most 12 characters");
        }
        String addressRange = config.setting("addressRange", "");
        BindMode bindMode = switch (config.setting("bindType", "TRX").strip().toUpperCase(Locale.ROOT)) {
            case "TRX" -> BindMode.TRX;
            case "TX+RX", "TX_RX", "TXRX", "TX-RX" -> BindMode.TX_RX;
            default -> throw r.bad("bindType", config.setting("bindType", ""), "TRX or TX+RX");
        };
        int binds = r.intIn("bindsPerNode", 1, 1, 64);
        int window = r.intIn("window", 10, 1, 10_000);
        Duration enquire = r.duration("enquireLinkInterval", Duration.ofSeconds(30), Duration.ofMillis(100));
        Duration responseTimeout = r.duration("responseTimeout", Duration.ofSeconds(10), Duration.ofMillis(10));
        Duration bindTimeout = r.duration("bindTimeout", Duration.ofSeconds(5), Duration.ofMillis(10));
        int ifVersion = switch (config.setting("interfaceVersion", "3.4").strip().toLowerCase(Locale.ROOT)) {
            case "3.3", "0x33", "33" -> 0x33;
            case "3.4", "0x34", "34" -> 0x34;
            case "5.0", "0x50", "50", "5" -> 0x50;
            default -> throw r.bad("interfaceVersion", config.setting("interfaceVersion", ""), "3.3, 3.4 or 5.0");
        };
        EncodingPreference encoding = r.enumValue("encoding", EncodingPreference.class,
                EncodingPreference.GSM7_OR_UCS2);
        SegmentationMode mode = r.enumValue("segmentation", SegmentationMode.class, SegmentationMode.UDH8);
        boolean pack = r.bool("packGsm7", false);
        int maxSegments = r.intIn("maxSegments", 10, 1, 255);
        RemoteIdNormalizer.Format idFormat;
        try {
            idFormat = RemoteIdNormalizer.Format.fromSetting(config.setting("remoteIdFormat", "auto"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(r.key("remoteIdFormat") + ": " + e.getMessage(), e);
        }
        boolean receiptsAlways = switch (config.setting("receipts", "always").strip().toLowerCase(Locale.ROOT)) {
            case "always" -> true;
            case "when-asked" -> false;
            default -> throw r.bad("receipts", config.setting("receipts", ""), "always or when-asked");
        };
        boolean sendValidity = switch (config.setting("validity", "message").strip().toLowerCase(Locale.ROOT)) {
            case "message" -> true;
            case "none" -> false;
            default -> throw r.bad("validity", config.setting("validity", ""), "message or none");
        };
        Duration backoffMin = r.duration("reconnectBackoffMin", Duration.ofSeconds(1), Duration.ofMillis(10));
        Duration backoffMax = r.duration("reconnectBackoffMax", Duration.ofSeconds(60), Duration.ofMillis(10));
        if (backoffMax.compareTo(backoffMin) < 0) {
            throw new IllegalArgumentException(r.key("reconnectBackoffMax") + ": " + backoffMax
                    + " (expected: >= reconnectBackoffMin " + backoffMin + ")");
        }
        return new SmppClientSettings(host, port, systemId, password, systemType, addressRange, bindMode, binds,
                window, enquire, responseTimeout, bindTimeout, ifVersion,
                new SegmentationPolicy(encoding, mode, maxSegments, pack), idFormat,
                r.optionalIntIn("sourceTon", 0, 6), r.optionalIntIn("sourceNpi", 0, 18),
                r.optionalIntIn("destTon", 0, 6), r.optionalIntIn("destNpi", 0, 18), receiptsAlways, sendValidity,
                backoffMin, backoffMax,
                r.duration("throttleRetryAfter", Duration.ofSeconds(1), Duration.ofMillis(1)),
                r.intIn("circuitFailureRate", 50, 1, 100),
                r.intIn("circuitMinimumCalls", 20, 1, 100_000),
                r.duration("circuitOpenDuration", Duration.ofSeconds(30), Duration.ofMillis(10)),
                r.duration("receiptAckTimeout", Duration.ofSeconds(30), Duration.ofMillis(10)),
                r.duration("closeTimeout", Duration.ofSeconds(5), Duration.ZERO), tls(r, config));
    }

    /** The TLS settings, checked by reading the stores once (a wrong path or password fails the config load). */
    private static Optional<TlsConfig> tls(Reader r, ConnectorConfig config) {
        boolean on = r.bool("tls", false);
        if (!on) {
            for (String k : List.of("tlsTrustStore", "tlsKeyStore", "tlsVerifyHostname", "tlsProtocols")) {
                if (config.settings().containsKey(k)) {
                    throw new IllegalArgumentException(r.key(k) + ": set without tls: true (expected: tls: true too)");
                }
            }
            return Optional.empty();
        }
        TlsConfig t = TlsConfig.client().withVerifyHostname(r.bool("tlsVerifyHostname", true));
        if (config.settings().containsKey("tlsProtocols")) {
            List<String> protocols = List.of(r.required("tlsProtocols").split("\\s*,\\s*"));
            try {
                t = t.withProtocols(protocols);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(r.key("tlsProtocols") + ": " + e.getMessage(), e);
            }
        }
        if (config.settings().containsKey("tlsTrustStore")) {
            t = t.withTrustStore(Path.of(r.required("tlsTrustStore")), config.setting("tlsTrustStorePassword", ""));
        }
        if (config.settings().containsKey("tlsKeyStore")) {
            t = t.withKeyStore(Path.of(r.required("tlsKeyStore")), config.setting("tlsKeyStorePassword", ""));
        }
        try {
            t.sslContext();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("connectors." + config.id() + ": " + e.getMessage(), e);
        }
        return Optional.of(t);
    }

    /** Parses a duration: "500ms", "30s", "2m", "1h", "PT30S", or a bare number of milliseconds. */
    static Duration parseDuration(String text) {
        String s = text.strip();
        if (s.regionMatches(true, 0, "PT", 0, 2)) {
            return Duration.parse(s.toUpperCase(Locale.ROOT));
        }
        Matcher m = DURATION.matcher(s.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** Reads typed values, naming the full key in errors. */
    private static final class Reader {
        private final ConnectorConfig config;
        private final Map<String, String> settings;

        Reader(ConnectorConfig config) {
            this.config = config;
            this.settings = config.settings();
        }

        String key(String k) {
            return "connectors." + config.id() + "." + k;
        }

        IllegalArgumentException bad(String k, String value, String expected) {
            return new IllegalArgumentException(key(k) + ": '" + value + "' (expected: " + expected + ")");
        }

        String required(String k) {
            String v = settings.get(k);
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException(key(k) + ": missing (expected: a value)");
            }
            return v.strip();
        }

        int intIn(String k, int def, int min, int max) {
            String v = settings.get(k);
            if (v == null) {
                return def;
            }
            int n;
            try {
                n = Integer.parseInt(v.strip());
            } catch (NumberFormatException e) {
                throw bad(k, v, "an integer");
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException(key(k) + ": " + n + " (expected: "
                        + (max == Integer.MAX_VALUE ? ">= " + min : min + ".." + max) + ")");
            }
            return n;
        }

        OptionalInt optionalIntIn(String k, int min, int max) {
            return settings.containsKey(k) ? OptionalInt.of(intIn(k, 0, min, max)) : OptionalInt.empty();
        }

        boolean bool(String k, boolean def) {
            String v = settings.get(k);
            if (v == null) {
                return def;
            }
            return switch (v.strip().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw bad(k, v, "true or false");
            };
        }

        Duration duration(String k, Duration def, Duration min) {
            String v = settings.get(k);
            if (v == null) {
                return def;
            }
            Duration d;
            try {
                d = parseDuration(v);
            } catch (RuntimeException e) {
                throw bad(k, v, "a duration such as 500ms, 30s, 2m or PT30S");
            }
            if (d.compareTo(min) < 0) {
                throw new IllegalArgumentException(key(k) + ": " + v + " (expected: >= " + min.toMillis() + "ms)");
            }
            return d;
        }

        <E extends Enum<E>> E enumValue(String k, Class<E> type, E def) {
            String v = settings.get(k);
            if (v == null) {
                return def;
            }
            String norm = v.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(norm)) {
                    return e;
                }
            }
            StringBuilder names = new StringBuilder();
            for (E e : type.getEnumConstants()) {
                names.append(names.isEmpty() ? "" : ", ").append(e.name());
            }
            throw bad(k, v, names.toString());
        }
    }
}
