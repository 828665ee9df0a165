package io.mgw.server;

import io.mgw.core.config.GatewayConfig;
import io.mgw.server.config.ConfigLoader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Map;

/** Configs for nodes started by tests: loopback, free ports, data in a temp dir. */
final class NodeFixture {

    private NodeFixture() {}

    /** The demo topology (account demo/demopass, connector "sim" to the built-in simulator) on free ports. */
    static GatewayConfig demo(Path dataDir, String extraAccountYaml) {
        return demo(dataDir, extraAccountYaml, "");
    }

    /** The same, with {@code smppExtra} added to the SMPP listener's settings (", tls: {...}"). */
    static GatewayConfig demo(Path dataDir, String extraAccountYaml, String smppExtra) {
        return demo(dataDir, extraAccountYaml, smppExtra, "");
    }

    /** The same, with {@code topYaml} added at the end (top-level sections such as {@code admin}). */
    static GatewayConfig demo(Path dataDir, String extraAccountYaml, String smppExtra, String topYaml) {
        String yaml = """
                node: {site: test, siteId: 7, nodeId: 1, name: it-node, dataDir: "%s"}
                listeners:
                  smpp: {host: 127.0.0.1, port: 0%s}
                  http: {host: 127.0.0.1, port: 0}
                kafka: {ingressPartitions: 4, deliverPartitions: 2}
                store: {type: h2}
                accounts:
                  - id: demo
                    password: demopass
                    allowedIps: [127.0.0.1]
                    window: 100
                %s
                connectors:
                  - id: sim
                    type: smpp
                    partitions: 4
                    settings: {host: 127.0.0.1, port: "0", systemId: gateway, password: gwpass, bindsPerNode: "2", window: "20"}
                routes:
                  - name: blocked
                    destinationPrefix: "999"
                    connectors: [sim]
                    account: nobody
                  - name: all
                    connectors: [sim]
                  - name: mo
                    direction: MO
                    deliverTo: demo
                simulator: {host: 127.0.0.1, port: 0, receiptDelayMs: 50}
                %s
                """.formatted(dataDir.toString().replace("\\", "/"), smppExtra, extraAccountYaml, topYaml);
        return ConfigLoader.parse(new StringReader(yaml), Map.of());
    }

    /**
     * One node on the embedded default (embedded Kafka, H2 in {@code dataDir}), SMPP and HTTP on free ports, account
     * demo/demopass, and connector "sim" (2 binds, window 20, plus {@code connectorExtra}: ", responseTimeout: 2s")
     * to an SMSC on {@code smscPort}, every MT routed to it.
     */
    static GatewayConfig withSmsc(Path dataDir, int smscPort, String connectorExtra) {
        return withSmsc(dataDir, smscPort, connectorExtra, "{type: h2}");
    }

    /** As {@link #withSmsc(Path, int, String)}, with the store's settings given as YAML ({@code "{type: h2}"}). */
    static GatewayConfig withSmsc(Path dataDir, int smscPort, String connectorExtra, String storeYaml) {
        String yaml = """
                node: {site: test, siteId: 7, nodeId: 1, name: it-node, dataDir: "%s"}
                listeners:
                  smpp: {host: 127.0.0.1, port: 0}
                  http: {host: 127.0.0.1, port: 0}
                kafka: {ingressPartitions: 4, deliverPartitions: 2}
                store: %s
                accounts:
                  - id: demo
                    password: demopass
                    window: 100
                connectors:
                  - id: sim
                    type: smpp
                    partitions: 4
                    settings: {host: 127.0.0.1, port: "%d", systemId: gateway, password: gwpass, bindsPerNode: "2",
                               window: "20"%s}
                routes:
                  - name: all
                    connectors: [sim]
                """.formatted(dataDir.toString().replace("\\", "/"), storeYaml, smscPort, connectorExtra);
        return ConfigLoader.parse(new StringReader(yaml), Map.of());
    }
}
