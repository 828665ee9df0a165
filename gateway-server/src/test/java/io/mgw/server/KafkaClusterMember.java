package io.mgw.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import io.mgw.routing.kafka.EmbeddedKafka;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * One member of a three-broker KRaft cluster, run as a process of its own so that a test can kill it hard
 * ({@code kill -9}) and start it again on the same data: combined broker and controller, node id 1-3, the three
 * controllers a static quorum, the production durability settings (internal topics RF 3, min ISR 2, no unclean leader
 * election). A dead broker is noticed by the controller within 3 s ({@code broker.session.timeout.ms}), sooner than
 * the default 9 s, so a test's failovers take less time; nothing else is tuned.
 *
 * <p>Clients and brokers use separate listeners: brokers replicate over {@code PLAINTEXT} on the internal port,
 * clients connect to {@code CLIENT} on the client port, which is advertised at an address of the caller's choice (a
 * fault proxy in front of it, so that a test can cut the clients off the cluster while the brokers still see each
 * other).
 *
 * <p>{@code KafkaClusterMember <nodeId 1-3> <dataDir> <clusterId> <internalPort1,2,3> <controllerPort1,2,3>
 * <clientPort1,2,3> <advertisedClientPort1,2,3>}; prints {@code started} once the server's start-up returned.
 */
public final class KafkaClusterMember {

    private KafkaClusterMember() {}

    public static void main(String[] args) throws Exception {
        int nodeId = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]).resolve("kraft");
        String clusterId = args[2];
        String[] internalPorts = args[3].split(",");
        String[] controllerPorts = args[4].split(",");
        String[] clientPorts = args[5].split(",");
        String[] advertisedClientPorts = args[6].split(",");
        EmbeddedKafka.quietBrokerLogging();

        List<String> voters = new ArrayList<>();
        for (int i = 0; i < controllerPorts.length; i++) {
            voters.add((i + 1) + "@127.0.0.1:" + controllerPorts[i]);
        }
        String internal = internalPorts[nodeId - 1];
        String controllerPort = controllerPorts[nodeId - 1];
        String client = clientPorts[nodeId - 1];
        String advertisedClient = advertisedClientPorts[nodeId - 1];
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", String.join(",", voters));
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + internal + ",CLIENT://127.0.0.1:" + client
                + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + internal + ",CLIENT://127.0.0.1:" + advertisedClient);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.toString());
        p.put("default.replication.factor", "3");
        p.put("min.insync.replicas", "2");
        p.put("offsets.topic.replication.factor", "3");
        p.put("offsets.topic.num.partitions", "6");
        p.put("transaction.state.log.replication.factor", "3");
        p.put("transaction.state.log.min.isr", "2");
        p.put("share.coordinator.state.topic.replication.factor", "3");
        p.put("share.coordinator.state.topic.min.isr", "2");
        p.put("unclean.leader.election.enable", "false");
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("broker.session.timeout.ms", "3000");
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("num.network.threads", "1");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        // Kafka's default, 128 MiB taken from the heap at start, did not always fit this process's 256 MiB: broker 2
        // of a CI run died of an OutOfMemoryError in LogCleaner's start-up, and BrokerCrashIT timed out waiting for it
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(EmbeddedKafka.DEDUPE_BUFFER_BYTES));

        EmbeddedKafka.formatIfNeeded(dir, nodeId, clusterId);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
        server.startup();
        System.out.println("started");
        System.out.flush();
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            forever.countDown();
        }));
        forever.await();
    }
}
