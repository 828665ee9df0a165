package io.mgw.server;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mgw.core.config.AdminConfig;
import io.mgw.core.config.ConnectorConfig;
import io.mgw.core.config.GatewayConfig;
import io.mgw.core.config.ListenerConfig;
import io.mgw.core.model.MessageIdGenerator;
import io.mgw.core.spi.AdapterContext;
import io.mgw.core.spi.OutboundConnector;
import io.mgw.routing.ExpirySweeper;
import io.mgw.routing.RoutingEngine;
import io.mgw.routing.kafka.EmbeddedKafka;
import io.mgw.core.config.SimulatorConfig;
import io.mgw.ops.AdminRole;
import io.mgw.ops.BasicAuthenticator;
import io.mgw.ops.HealthCheck;
import io.mgw.ops.OpsEndpoints;
import io.mgw.ops.Readiness;
import io.mgw.ops.http.HttpListener;
import io.mgw.ops.http.HttpListenerConfig;
import io.mgw.ops.http.ReloadingSslContext;
import io.mgw.server.config.ConfigWatcher;
import io.mgw.smpp.server.SmppServer;
import io.mgw.smpp.server.SmppServerConfig;
import io.mgw.testkit.smsc.SmscSimulator;
import io.mgw.store.JdbcStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway node: reads nothing itself, but wires every module from a validated {@link GatewayConfig}.
 *
 * <p>Start order (each step needs the ones before): metrics, store, the embedded Kafka broker when no bootstrap is
 * configured, the built-in SMSC simulator when configured, the routing engine (topics, connectors, consumers), the
 * SMPP server, the HTTP listener, the config watcher. Stop order is the reverse, after a drain: stop accepting binds,
 * unbind clients, stop consuming, finish in-flight work, commit, leave the groups.
 */
public final class GatewayNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GatewayNode.class);

    private final GatewayConfig config;
    private final Optional<Path> configFile;
    private final InstantSource clock;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final AtomicReference<GatewayConfig> current;
    private final Readiness readiness = new Readiness();
    /** Who may use the admin API: the config's users; replaced on a config reload. */
    private final BasicAuthenticator admins = new BasicAuthenticator(meters);

    private JdbcStore store;
    private EmbeddedKafka embeddedKafka;
    private SmscSimulator simulator;
    private RoutingEngine routing;
    private SmppServer smpp;
    private HttpListener http;
    private ConfigWatcher watcher;
    private volatile boolean closed;

    public GatewayNode(GatewayConfig config, Path configFile) {
        this(config, Optional.of(configFile));
    }

    public GatewayNode(GatewayConfig config, Optional<Path> configFile) {
        this(config, configFile, InstantSource.system());
    }

    /**
     * A node whose wall clock (timestamps, validity, ids) is {@code clock}; tests step it as NTP or a resumed VM
     * would. Timeouts and retry waits run on the monotonic clock regardless.
     */
    GatewayNode(GatewayConfig config, Optional<Path> configFile, InstantSource clock) {
        this.config = config;
        this.configFile = configFile;
        this.current = new AtomicReference<>(config);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts everything; on failure closes what was started and rethrows. */
    public synchronized void start() {
        try {
            doStart();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void doStart() {
        long t0 = System.nanoTime();
        Path dataDir = config.node().dataDir();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("node.dataDir " + dataDir + ": cannot create", e);
        }
        new JvmMemoryMetrics().bindTo(meters);
        new JvmGcMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);

        store = JdbcStore.open(config.store(), dataDir, meters, clock);
        closeables.add(store);

        String bootstrap;
        if (config.kafka().bootstrap().isPresent()) {
            bootstrap = config.kafka().bootstrap().get();
        } else {
            embeddedKafka = new EmbeddedKafka(dataDir.resolve("kafka"), 0);
            embeddedKafka.start();
            closeables.add(embeddedKafka);
            bootstrap = embeddedKafka.bootstrapServers();
            log.info("embedded Kafka broker at {}", bootstrap);
        }

        config.simulator().ifPresent(this::startSimulator);

        MessageIdGenerator ids = new MessageIdGenerator(config.node().siteId(), config.node().nodeId(), clock);
        AtomicReference<AdapterContext> ctxRef = new AtomicReference<>();
        // the expiry sweeper settles first the messages whose ids this node made; purge keeps store.retentionDays
        ExpirySweeper.Options sweeper = ExpirySweeper.Options.defaults()
                .withOwner(config.node().siteId(), config.node().nodeId())
                .withRetention(Duration.ofDays(config.store().retentionDays()))
                .withTiming(config.store().sweepInterval(), config.store().expiryGrace(),
                        config.store().expiryTakeover());
        routing = new RoutingEngine(config.kafka(), bootstrap, config.routes(), config.connectors(),
                config.accounts(), store, meters, clock, cc -> connector(cc, ctxRef.get()),
                RoutingEngine.Settings.defaults().withSweeper(sweeper));
        AdapterContext ctx = new AdapterContext(config.node().name(), ids, routing.ingressSink(),
                routing.receiptSink(), routing.deliveryRegistry(), store, routing::accounts, meters, clock);
        ctxRef.set(ctx);
        routing.start();
        closeables.add(routing);

        if (config.smpp().enabled()) {
            ListenerConfig lc = config.smpp();
            SmppServerConfig sc = SmppServerConfig.defaults(lc.host(), lc.port())
                    .withMaxConnections(lc.maxConnections())
                    .withMaxConnectionsPerAddress(lc.maxConnectionsPerAddress());
            if (lc.tls().isPresent()) {
                sc = sc.withTls(lc.tls().get(), lc.tlsPort());
            }
            sc = sc.withPlain(lc.plain()); // after the TLS port: a config without any port is refused
            smpp = new SmppServer(sc, ctx);
            try {
                smpp.start();
            } catch (IOException e) {
                throw new UncheckedIOException("listeners.smpp: cannot listen on " + lc.host() + ":"
                        + (lc.plain() ? lc.port() + (lc.tls().isPresent() ? " or " : "") : "")
                        + (lc.tls().isPresent() ? lc.tlsPort() + " (TLS)" : "") + ": " + e.getMessage(), e);
            }
            closeables.add(smpp);
        }
        if (config.http().enabled()) {
            applyAdmins(config.admin());
            if (!config.http().loopback() && config.http().tls().isEmpty() && !config.admin().users().isEmpty()) {
                log.warn("listeners.http on {} without tls: admin API passwords cross the network readable "
                        + "(set listeners.http.tls)", config.http().host());
            }
            List<HealthCheck> checks = List.of(
                    HealthCheck.of("routing", () -> routing.isReady()
                            ? HealthCheck.Result.up("Kafka consumers running")
                            : HealthCheck.Result.down("Kafka consumers not running")),
                    HealthCheck.liveness("consumers", this::consumersHealth));
            HttpListenerConfig hc = HttpListenerConfig.defaults(config.http().host(), config.http().port())
                    .withMaxConnections(config.http().maxConnections())
                    .withMaxConnectionsPerAddress(config.http().maxConnectionsPerAddress());
            if (config.http().tls().isPresent()) {
                hc = hc.withSslContext(new ReloadingSslContext(config.http().tls().get()));
            }
            http = new HttpListener(hc,
                    OpsEndpoints.create(meters, readiness, checks, store, admins), meters);
            http.start();
            closeables.add(http);
            log.info("HTTP listener on {}:{}", config.http().host(), http.port());
        }
        configFile.ifPresent(f -> {
            watcher = new ConfigWatcher(f, 2_000, this::reload, meters, InstantSource.system());
            closeables.add(watcher);
        });
        log.info("node ready: {} (site {}, node {}) in {} ms", config.node().name(), config.node().site(),
                config.node().nodeId(), (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Down for good once a Kafka consumer thread ended on an unexpected error: nothing restarts it in the process,
     * its partitions stand still until the node restarts, so the node is not live (an orchestrator restarts it).
     */
    private HealthCheck.Result consumersHealth() {
        List<String> stopped = routing.stoppedConsumers();
        return stopped.isEmpty() ? HealthCheck.Result.up("no consumer thread ended on an error")
                : HealthCheck.Result.down("stopped on an unexpected error, restart the node: "
                        + String.join("; ", stopped));
    }

    private void startSimulator(SimulatorConfig sim) {
        var settings = SmscSimulator.Settings.defaults()
                .withHost(sim.host())
                .withPort(sim.port())
                .withReceiptDelay(Duration.ofMillis(sim.receiptDelayMs()))
                .withFailureRatio(sim.failureRatio())
                .withMaxTps(sim.maxTps())
                .withRecordLimit(0);
        simulator = new SmscSimulator(settings);
        try {
            simulator.start();
        } catch (IOException e) {
            throw new UncheckedIOException("simulator: cannot listen on " + sim.host() + ":" + sim.port(), e);
        }
        closeables.add(simulator);
        log.info("built-in SMSC simulator on {}:{}", sim.host(), simulator.port());
    }

    private OutboundConnector connector(ConnectorConfig cc, AdapterContext ctx) {
        if (!cc.type().equals("smpp")) {
            throw new IllegalArgumentException("connectors." + cc.id() + ".type: " + cc.type()
                    + " (expected: smpp)");
        }
        // The simulator's port is known only after it started when the config asks for port 0.
        ConnectorConfig effective = cc;
        if (simulator != null && cc.setting("port", "").equals("0")) {
            var settings = new java.util.HashMap<>(cc.settings());
            settings.put("port", Integer.toString(simulator.port()));
            effective = new ConnectorConfig(cc.id(), cc.type(), cc.tps(), cc.partitions(), settings);
        }
        return new io.mgw.smpp.client.SmppClientConnector(effective, ctx);
    }

    /**
     * Applies routes, accounts, connector limits, admin users and the expiry sweep's timing from a changed config
     * file (listeners, Kafka and the other store keys need a restart).
     */
    void reload(GatewayConfig next) {
        current.set(next);
        applyAdmins(next.admin());
        routing.reload(next.routes(), next.connectors(), next.accounts());
        routing.retimeSweeper(next.store().sweepInterval(), next.store().expiryGrace(),
                next.store().expiryTakeover());
    }

    private void applyAdmins(AdminConfig admin) {
        admins.update(admin.users().stream().map(u -> new BasicAuthenticator.User(u.name(), u.passwordHash(),
                role(u.role()))).toList(), admin.anonymousRole().map(GatewayNode::role));
    }

    private static AdminRole role(String name) {
        return AdminRole.valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    public int smppPort() {
        return smpp.port();
    }

    /** The SMPP TLS port actually bound (listeners.smpp.tls). */
    public int smppTlsPort() {
        return smpp.tlsPort();
    }

    public int httpPort() {
        return http.port();
    }

    public Optional<Integer> simulatorPort() {
        return Optional.ofNullable(simulator).map(SmscSimulator::port);
    }

    /** The built-in simulator, when the config starts one. */
    public Optional<SmscSimulator> simulator() {
        return Optional.ofNullable(simulator);
    }

    public String kafkaBootstrap() {
        return config.kafka().bootstrap().orElseGet(() -> embeddedKafka.bootstrapServers());
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    public JdbcStore store() {
        return store;
    }

    public RoutingEngine routing() {
        return routing;
    }

    /** Graceful stop for an in-service upgrade: readiness false, unbind clients, finish in-flight, commit, close. */
    public void drainAndClose() {
        if (closed) {
            return;
        }
        log.info("draining");
        readiness.setDraining(true);
        try {
            if (smpp != null) {
                smpp.drain(Duration.ofSeconds(10));
            }
            if (routing != null) {
                routing.drain(Duration.ofSeconds(20));
            }
        } catch (RuntimeException e) {
            log.warn("drain did not finish cleanly", e);
        }
        close();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                log.warn("close of {} failed", closeables.get(i).getClass().getSimpleName(), e);
            }
        }
        meters.close();
        log.info("node stopped");
    }
}
