package io.mgw.server;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import io.mgw.testkit.net.FaultProxy;

/**
 * Three Kafka brokers ({@link KafkaClusterMember}), each a process of its own, forming one KRaft cluster with the
 * production durability settings; a test can kill one hard and start it again on its data. Clients reach each broker
 * through a {@link FaultProxy} of its own ({@link #bootstrap()}), so that a test can cut them off the cluster
 * ({@link #partitionClients()}) while the brokers still replicate among themselves. {@link #close} kills the brokers
 * still running.
 */
final class KafkaTrio implements AutoCloseable {

    private final Path dir;
    private final Path logs;
    private final String clusterId = Uuid.randomUuid().toString();
    private final int[] internalPorts = new int[3];
    private final int[] controllerPorts = new int[3];
    private final int[] clientPorts = new int[3];
    private final FaultProxy[] proxies = new FaultProxy[3];
    private final Process[] brokers = new Process[3];
    private final int[] starts = new int[3];
    private final Admin admin;

    private KafkaTrio(Path dir, Path logs) throws IOException {
        this.dir = dir;
        this.logs = logs;
        for (int i = 0; i < 3; i++) {
            internalPorts[i] = ClusterFixture.freePort();
            controllerPorts[i] = ClusterFixture.freePort();
            clientPorts[i] = ClusterFixture.freePort();
            proxies[i] = new FaultProxy("127.0.0.1", clientPorts[i]).start();
        }
        // the test's own look at the cluster goes round the proxies
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, list(internalPorts));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        this.admin = Admin.create(p);
    }

    /** Starts the three brokers (data under {@code dir}, output in {@code logs}) and waits until all three serve. */
    static KafkaTrio start(Path dir, Path logs) throws IOException {
        KafkaTrio t = new KafkaTrio(dir, logs);
        try {
            for (int id = 1; id <= 3; id++) {
                t.launch(id);
            }
            t.awaitBrokers(3);
            return t;
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** The bootstrap list of all three, through their proxies: what the nodes use. */
    String bootstrap() {
        int[] ports = new int[3];
        for (int i = 0; i < 3; i++) {
            ports[i] = proxies[i].port();
        }
        return list(ports);
    }

    /** The bootstrap list of all three, round the proxies (never cut off). */
    String internalBootstrap() {
        return list(internalPorts);
    }

    private static String list(int[] ports) {
        StringBuilder b = new StringBuilder();
        for (int port : ports) {
            b.append(b.isEmpty() ? "" : ",").append("127.0.0.1:").append(port);
        }
        return b.toString();
    }

    /** Cuts every client off every broker (a partition that heals: nothing forwarded, held until {@link #heal}). */
    void partitionClients() {
        for (FaultProxy p : proxies) {
            p.pause();
        }
    }

    /** Ends {@link #partitionClients}. */
    void heal() {
        for (FaultProxy p : proxies) {
            p.resume();
        }
    }

    private void launch(int id) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                KafkaClusterMember.class.getName(), Integer.toString(id), dir.resolve("broker" + id).toString(),
                clusterId, join(internalPorts), join(controllerPorts), join(clientPorts), join(proxyPorts()));
        brokers[id - 1] = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logs.resolve("broker" + id + "-" + starts[id - 1]++ + ".log").toFile())
                .directory(new File(".")).start();
    }

    private int[] proxyPorts() {
        int[] ports = new int[3];
        for (int i = 0; i < 3; i++) {
            ports[i] = proxies[i].port();
        }
        return ports;
    }

    private static String join(int[] ports) {
        StringBuilder b = new StringBuilder();
        for (int port : ports) {
            b.append(b.isEmpty() ? "" : ",").append(port);
        }
        return b.toString();
    }

    /** Kills broker {@code id} (1-3) with SIGKILL and waits for the process to end. */
    void kill(int id) throws InterruptedException {
        Process p = brokers[id - 1];
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("broker " + id + " did not die");
        }
    }

    /** Starts broker {@code id} again on its data and waits until the cluster has three brokers. */
    void restart(int id) throws IOException {
        launch(id);
        awaitBrokers(3);
    }

    private void awaitBrokers(int n) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == n);
    }

    /** The broker (1-3) leading a partition now, or -1 if it has none. */
    int leader(String topic, int partition) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
        var leader = d.partitions().get(partition).leader();
        return leader == null ? -1 : leader.id();
    }

    /** Waits until every partition of every topic has all three replicas in sync (a killed broker caught up). */
    void awaitFullIsr(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            Collection<String> names = admin.listTopics().names().get(5, TimeUnit.SECONDS);
            Map<String, TopicDescription> all = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
            for (TopicDescription d : all.values()) {
                for (TopicPartitionInfo p : d.partitions()) {
                    if (p.isr().size() < 3) {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
        for (FaultProxy p : proxies) {
            if (p != null) {
                p.close();
            }
        }
        List<Process> running = new ArrayList<>();
        for (Process p : brokers) {
            if (p != null) {
                p.destroyForcibly();
                running.add(p);
            }
        }
        for (Process p : running) {
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
