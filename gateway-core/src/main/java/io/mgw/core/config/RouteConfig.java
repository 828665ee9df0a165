package io.mgw.core.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A routing rule; rules are tried in order and the first match wins.
 *
 * <p>An MT rule sends to {@code connectors} (the first available one; the rest are its failover list, in order). An
 * MO rule ({@code direction: MO}) sends to the client account {@code deliverTo}.
 *
 * @param name              for logs and history
 * @param direction         "MT" or "MO"
 * @param destinationPrefix match destinations starting with this, if set
 * @param destinationRegex  match destinations matching this, if set
 * @param account           match messages from this account (MT) or connector (MO), if set
 * @param kind              match this message kind, if set
 * @param connectors        MT: ordered connector ids, primary first
 * @param deliverTo         MO: the account that receives the messages
 */
public record RouteConfig(
        String name,
        String direction,
        Optional<String> destinationPrefix,
        Optional<String> destinationRegex,
        Optional<String> account,
        Optional<String> kind,
        List<String> connectors,
        Optional<String> deliverTo) {

    public RouteConfig {
        requireNonNull(name, "name");
        requireNonNull(direction, "direction");
        connectors = List.copyOf(connectors);
    }
}
