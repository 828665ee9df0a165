package io.mgw.server;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Nodes of one cluster for the multi-node tests: their config (a shared Kafka broker, PostgreSQL store and SMSC
 * simulator, account demo/demopass, connector "sim"), started as separate JVMs so that a test can kill or stop them.
 */
final class ClusterFixture {

    private ClusterFixture() {}

    /** A node's YAML: SMPP and HTTP on the given ports (0: any), everything else shared. */
    static String nodeYaml(int nodeId, Path dataDir, int smppPort, int httpPort, String bootstrap, String jdbcUrl,
            int smscPort) {
        return """
                node: {site: test, siteId: 7, nodeId: %d, name: node-%d, dataDir: "%s"}
                listeners:
                  smpp: {host: 127.0.0.1, port: %d}
                  http: {host: 127.0.0.1, port: %d}
                kafka:
                  bootstrap: "%s"
                  replicationFactor: 1
                  minInsyncReplicas: 1
                  allowWeakDurability: true
                  ingressPartitions: 4
                  deliverPartitions: 2
                  consumer: {session.timeout.ms: "10000", heartbeat.interval.ms: "1000"}
                store: {type: postgresql, url: "%s", user: postgres, password: ""}
                accounts:
                  - id: demo
                    password: demopass
                    window: 100
                connectors:
                  - id: sim
                    partitions: 4
                    settings: {host: 127.0.0.1, port: "%d", systemId: gateway, password: gwpass, bindsPerNode: "2", window: "20"}
                routes:
                  - name: all
                    connectors: [sim]
                """.formatted(nodeId, nodeId, dataDir.toString().replace("\\", "/"), smppPort, httpPort, bootstrap,
                jdbcUrl, smscPort);
    }

    /** {@code io.mgw.server.Main run --config config} in a JVM of its own (512 MiB heap), output to {@code log}. */
    static Process startNodeProcess(Path config, Path log) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.mgw.server.Main", "run", "--config", config.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .directory(new File(".")).start();
    }

    /** Waits up to 90 s for the node's /health/ready to answer 200. */
    static void awaitReady(int httpPort) {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() ->
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
