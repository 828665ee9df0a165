package io.mgw.core.config;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * An outbound connector. Common settings are typed; protocol-specific ones are in {@code settings} and validated by
 * the protocol module that owns {@code type} (e.g. the SMPP connector reads host, port, system_id, window...).
 *
 * @param id         the connector id (topic gw.out.&lt;id&gt;)
 * @param type       the protocol: "smpp", "mm7", "smtp", "snpp"...
 * @param tps        cluster-wide rate limit in segments per second; 0 for none
 * @param partitions partitions of its egress topic (its unit of parallelism and of rate sharing)
 * @param settings   protocol-specific settings, as strings
 */
public record ConnectorConfig(String id, String type, int tps, int partitions, Map<String, String> settings) {

    public ConnectorConfig {
        requireNonNull(id, "id");
        requireNonNull(type, "type");
        settings = Map.copyOf(settings);
        if (!id.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("connector id: '" + id + "' (expected: letters, digits, . _ -)");
        }
    }

    public String setting(String key, String defaultValue) {
        return settings.getOrDefault(key, defaultValue);
    }

    public int intSetting(String key, int defaultValue) {
        String v = settings.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("connectors." + id + "." + key + ": '" + v + "' (expected: an integer)");
        }
    }

    /** Secret settings (the bind password) masked. */
    @Override
    public String toString() {
        return "ConnectorConfig[id=" + id + ", type=" + type + ", tps=" + tps + ", partitions=" + partitions
                + ", settings=" + Secrets.masked(settings) + "]";
    }
}
