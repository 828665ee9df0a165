package io.mgw.core.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * A client account (an ESME system_id, a REST/ParlayX user...).
 *
 * @param id                   the account name (SMPP system_id)
 * @param passwordHash         the password hash in {@link PasswordHash} form; never the clear password
 * @param allowedIps           addresses or CIDR blocks allowed to connect; empty allows any
 * @param maxSegmentsPerSecond throughput limit counted in segments; 0 for no limit
 * @param window               most outstanding requests per session (SMPP window)
 * @param maxBinds             most concurrent binds (sessions) on one node
 * @param allowedDestinations  destination prefixes or regexes (prefixed "re:") the account may reach; empty allows any
 * @param idFormat             how message ids are shown to this account: "hex" (32 digits) or "decimal"
 * @param defaultValidity      validity applied when the client gives none
 */
public record AccountConfig(
        String id,
        String passwordHash,
        List<String> allowedIps,
        int maxSegmentsPerSecond,
        int window,
        int maxBinds,
        List<String> allowedDestinations,
        String idFormat,
        Duration defaultValidity) {

    public AccountConfig {
        requireNonNull(id, "id");
        requireNonNull(passwordHash, "passwordHash");
        allowedIps = List.copyOf(allowedIps);
        allowedDestinations = List.copyOf(allowedDestinations);
        requireNonNull(idFormat, "idFormat");
        requireNonNull(defaultValidity, "defaultValidity");
        if (window < 1) {
            throw new IllegalArgumentException("window: " + window + " (expected: >= 1)");
        }
    }

    /** Whether the account may send to this destination address. */
    public boolean mayReach(String destination) {
        if (allowedDestinations.isEmpty()) {
            return true;
        }
        for (String rule : allowedDestinations) {
            if (rule.startsWith("re:") ? destination.matches(rule.substring(3)) : destination.startsWith(rule)) {
                return true;
            }
        }
        return false;
    }

    /** Without the password hash. */
    @Override
    public String toString() {
        return "AccountConfig[id=" + id + ", allowedIps=" + allowedIps + ", maxSegmentsPerSecond="
                + maxSegmentsPerSecond + ", window=" + window + ", maxBinds=" + maxBinds + ", allowedDestinations="
                + allowedDestinations + ", idFormat=" + idFormat + ", defaultValidity=" + defaultValidity + "]";
    }
}
