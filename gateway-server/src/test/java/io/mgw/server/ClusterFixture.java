package io.mgw.server;

import static org.awaitility.Awaitility.await;

import io.mgw.routing.kafka.EmbeddedKafka;
import io.mgw.testkit.smsc.SmscSimulator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import io.mgw.server.config.ConfigLoader;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
/**
 * What the nodes of one cluster share in the multi-node tests: Kafka (one broker in the test's JVM, or three
 * {@link KafkaTrio} processes with the production durability settings), a PostgreSQL store and an SMSC simulator
 * (receipts after 200 ms) in the test's JVM; the nodes' config (account demo/demopass, connector "sim"), and node
 * processes in JVMs of their own, so that a test can kill or stop them. {@link #close} ends the processes it started,
 * then the shared parts.
 */
final class ClusterFixture implements AutoCloseable {

    private final AutoCloseable kafka;
    private final String bootstrap;
    /** Three brokers: topics with RF 3 and min ISR 2 (the node's defaults); one: RF 1, allowed explicitly. */
    private final boolean threeBrokers;
    final EmbeddedPostgres pg;
    final SmscSimulator smsc;
    private final List<Process> processes = new ArrayList<>();
    private final List<GatewayNode> nodes = new ArrayList<>();

    private ClusterFixture(AutoCloseable kafka, String bootstrap, boolean threeBrokers, EmbeddedPostgres pg,
            SmscSimulator smsc) {
        this.kafka = kafka;
        this.bootstrap = bootstrap;
        this.threeBrokers = threeBrokers;
        this.pg = pg;
        this.smsc = smsc;
    }

    /** Starts the shared parts with one Kafka broker in this JVM, with their data under {@code dir}. */
    static ClusterFixture start(Path dir) throws IOException {
        EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), 0);
        try {
            kafka.start();
            return withKafka(dir, kafka, kafka.bootstrapServers(), false);
        } catch (IOException | RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    /**
     * Starts the shared parts on three brokers that the caller started (and may kill and restart); {@link #close}
     * closes them too.
     */
    static ClusterFixture start(Path dir, KafkaTrio brokers) throws IOException {
        return withKafka(dir, brokers, brokers.bootstrap(), true);
    }

    private static ClusterFixture withKafka(Path dir, AutoCloseable kafka, String bootstrap, boolean threeBrokers)
            throws IOException {
        EmbeddedPostgres pg = null;
        try {
            pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(true).start();
            SmscSimulator smsc = new SmscSimulator(SmscSimulator.Settings.defaults()
                    .withReceiptDelay(Duration.ofMillis(200)).withRecordLimit(0)).start();
            return new ClusterFixture(kafka, bootstrap, threeBrokers, pg, smsc);
        } catch (IOException | RuntimeException e) {
            if (pg != null) {
                pg.close();
            }
            throw e;
        }
    }

    /** The Kafka bootstrap list the nodes use. */
    String bootstrap() {
        return bootstrap;
    }

    /** A node's YAML: SMPP and HTTP on the given ports (0: any), everything else shared. */
    String nodeYaml(int nodeId, Path dataDir, int smppPort, int httpPort) {
        return """
                node: {site: test, siteId: 7, nodeId: %d, name: node-%d, dataDir: "%s"}
                listeners:
                  smpp: {host: 127.0.0.1, port: %d}
                  http: {host: 127.0.0.1, port: %d}
                kafka:
                  bootstrap: "%s"
                %s
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
                """.formatted(nodeId, nodeId, dataDir.toString().replace("\\", "/"), smppPort, httpPort,
                bootstrap, threeBrokers ? "  replicationFactor: 3\n  minInsyncReplicas: 2"
                        : "  replicationFactor: 1\n  minInsyncReplicas: 1\n  allowWeakDurability: true",
                pg.getJdbcUrl("postgres", "postgres"), smsc.port());
    }

    /** Starts node {@code nodeId} in this JVM, SMPP and HTTP on free ports, data under {@code dataDir}; closed by close. */
    GatewayNode startNode(int nodeId, Path dataDir) {
        GatewayNode node = new GatewayNode(
                ConfigLoader.parse(new StringReader(nodeYaml(nodeId, dataDir, 0, 0)), Map.of()), Optional.empty());
        nodes.add(node);
        node.start();
        return node;
    }

    /**
     * {@code io.mgw.server.Main run --config config} in a JVM of its own (512 MiB heap), output to {@code log}; ended
     * by {@link #close} if the test has not ended it.
     */
    Process startNodeProcess(Path config, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.mgw.server.Main", "run", "--config", config.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .directory(new File(".")).start();
        processes.add(p);
        return p;
    }

    @Override
    public void close() throws IOException {
        processes.forEach(Process::destroyForcibly);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
        try (pg) {
            smsc.close();
        } finally {
            try {
                kafka.close();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
    }

    /** Waits up to 90 s for the node's /health/ready to answer 200. */
    static void awaitReady(int httpPort) {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() ->
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    /** Whether something accepts TCP connections on the port now. */
    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
