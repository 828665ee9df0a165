package io.mgw.routing.kafka;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka broker inside this JVM: KRaft combined mode ({@code process.roles=broker,controller}), node id 1,
 * listening on 127.0.0.1, its data under a given directory (ARCHITECTURE.md §6, "embedded default").
 *
 * <p>The storage is formatted on the first start (a fresh cluster id) and reused on later starts, so topics and
 * committed records survive a node restart. Settings fit a single broker: internal topics RF 1, min ISR 1. The
 * broker's own INFO logging is lowered to WARN when Logback is the SLF4J backend, so it does not flood the node's log.
 *
 * <p>Not thread-safe: start and close from one thread.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String CONTROLLER = "CONTROLLER";

    private final Path dataDir;
    private final int requestedPort;
    private KafkaRaftServer server;
    private String bootstrap;

    /**
     * @param dataDir where the broker keeps its log and metadata (created if missing)
     * @param port    the client port on 127.0.0.1, or 0 for a free one
     */
    public EmbeddedKafka(Path dataDir, int port) {
        this.dataDir = requireNonNull(dataDir, "dataDir");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        this.requestedPort = port;
    }

    /**
     * Formats the storage if needed, starts the broker and waits until it answers (at most 60 s).
     *
     * @throws IllegalStateException if it is already started or does not come up
     */
    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        quietBrokerLogging();
        try {
            Files.createDirectories(dataDir);
            int port = requestedPort == 0 ? freePort() : requestedPort;
            int controllerPort = freePort();
            Properties p = brokerProperties(port, controllerPort);
            KafkaConfig config = KafkaConfig.fromProps(p, false);
            formatIfNeeded();
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            bootstrap = "127.0.0.1:" + port;
            awaitReady(Duration.ofSeconds(60));
            log.info("Embedded Kafka broker up on {} (data {})", bootstrap, dataDir);
        } catch (IOException e) {
            closeQuietly();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /** The client address, e.g. "127.0.0.1:40123". */
    public synchronized String bootstrapServers() {
        if (bootstrap == null) {
            throw new IllegalStateException("not started");
        }
        return bootstrap;
    }

    /** Stops the broker (controlled shutdown) and waits for it; data stays on disk. Idempotent. */
    @Override
    public synchronized void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                log.warn("Embedded Kafka shutdown: {}", e.toString());
            }
            server = null;
            bootstrap = null;
        }
    }

    /** The log cleaner's dedupe buffer, allocated on the heap when the broker starts. */
    public static final int DEDUPE_BUFFER_BYTES = 16 << 20;

    private Properties brokerProperties(int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + "," + CONTROLLER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", CONTROLLER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        p.put("log.dirs", logDir().toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "10");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("unclean.leader.election.enable", "false");
        p.put("log.retention.hours", "168");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "2");
        // The log cleaner takes its whole dedupe buffer from the heap at start (Kafka's default: 128 MiB, an eighth of
        // the benchmark node's 1 GiB). Only __consumer_offsets is compacted here, a few thousand keys: 16 MiB holds
        // some 700,000 of them per cleaning pass.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(DEDUPE_BUFFER_BYTES));
        return p;
    }

    private Path logDir() {
        return dataDir.resolve("kraft-combined-logs");
    }

    private void formatIfNeeded() throws IOException {
        if (formatIfNeeded(logDir(), 1, Uuid.randomUuid().toString())) {
            log.info("Formatted embedded Kafka storage in {}", logDir());
        }
    }

    /**
     * Formats a KRaft log directory (combined broker and controller, metadata log in the same directory) for node
     * {@code nodeId} of cluster {@code clusterId}, unless it already is; the members of a static quorum are each
     * formatted with the same cluster id.
     *
     * @return whether it formatted
     */
    public static boolean formatIfNeeded(Path dir, int nodeId, String clusterId) throws IOException {
        if (Files.exists(dir.resolve("meta.properties"))) {
            return false;
        }
        Files.createDirectories(dir);
        try (PrintStream sink = new PrintStream(OutputStream.nullOutputStream())) {
            new Formatter()
                    .setPrintStream(sink)
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(dir.toString()))
                    .setMetadataLogDirectory(dir.toString())
                    .setControllerListenerName(CONTROLLER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setUnstableFeatureVersionsEnabled(false)
                    .setIgnoreFormatted(true)
                    .run();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("formatting Kafka storage in " + dir + ": " + e, e);
        }
        return true;
    }

    private void awaitReady(Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(p)) {
            while (true) {
                try {
                    var nodes = admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while waiting for the embedded broker");
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("embedded Kafka did not answer within " + timeout);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the embedded broker");
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /**
     * Lowers the broker's loggers to WARN when Logback backs SLF4J; done by reflection so that routing does not
     * depend on Logback (the node chooses its logging backend).
     */
    public static void quietBrokerLogging() {
        for (String name : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
            Logger l = LoggerFactory.getLogger(name);
            try {
                Class<?> level = Class.forName("ch.qos.logback.classic.Level");
                Object warn = level.getField("WARN").get(null);
                l.getClass().getMethod("setLevel", level).invoke(l, warn);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return;
            }
        }
    }
}
