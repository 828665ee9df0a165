package io.mgw.core.config;

import java.util.List;
import java.util.Optional;

/**
 * A node's whole configuration, as read from its YAML file and validated at start.
 *
 * @param node       identity and data directory
 * @param smpp       the SMPP server listener
 * @param http       the HTTP listener (API, metrics, health)
 * @param kafka      Kafka settings
 * @param store      store settings
 * @param accounts   client accounts
 * @param connectors outbound connectors
 * @param routes     routing rules, in order
 * @param simulator  the built-in SMSC simulator to start inside the node (demo), if any
 * @param admin      who may use the admin API
 */
public record GatewayConfig(
        NodeConfig node,
        ListenerConfig smpp,
        ListenerConfig http,
        KafkaConfig kafka,
        StoreConfig store,
        List<AccountConfig> accounts,
        List<ConnectorConfig> connectors,
        List<RouteConfig> routes,
        Optional<SimulatorConfig> simulator,
        AdminConfig admin) {

    public GatewayConfig {
        java.util.Objects.requireNonNull(admin, "admin");
        accounts = List.copyOf(accounts);
        connectors = List.copyOf(connectors);
        routes = List.copyOf(routes);
    }
}
