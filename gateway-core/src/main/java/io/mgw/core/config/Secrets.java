package io.mgw.core.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * Keeps secrets out of the config records' {@code toString} (ARCHITECTURE.md §8: secrets never reach logs): a
 * record's generated {@code toString} shows every component, so one logged by mistake, or named in an exception's
 * message, would show a connector's bind password, the database's password or a Kafka SASL login.
 */
public final class Secrets {

    /** What stands for a secret value. */
    public static final String MASK = "***";

    private Secrets() {}

    /** Whether a setting named {@code key} holds a secret (a password, a token, a SASL JAAS login, a key). */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("token") || k.contains("jaas")
                || k.contains("credential") || k.endsWith(".key") || k.contains("private");
    }

    /** The settings sorted by name, secret values replaced by {@link #MASK}. */
    public static Map<String, String> masked(Map<String, String> settings) {
        Map<String, String> out = new TreeMap<>();
        settings.forEach((k, v) -> out.put(k, isSecret(k) ? MASK : v));
        return out;
    }

    /** A JDBC or other URL with the value of any {@code password=} parameter masked. */
    public static String maskUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1" + Matcher.quoteReplacement(MASK));
    }
}
