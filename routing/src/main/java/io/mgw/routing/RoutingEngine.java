package io.mgw.routing;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.mgw.core.config.AccountConfig;
import io.mgw.core.config.Accounts;
import io.mgw.core.config.ConnectorConfig;
import io.mgw.core.config.KafkaConfig;
import io.mgw.core.config.RouteConfig;
import io.mgw.core.reassembly.Reassembler;
import io.mgw.core.spi.DeliveryRegistry;
import io.mgw.core.spi.IngressSink;
import io.mgw.core.spi.OutboundConnector;
import io.mgw.core.spi.ReceiptSink;
import io.mgw.core.store.Store;
import io.mgw.routing.kafka.KafkaClients;
import io.mgw.routing.kafka.KafkaIngressSink;
import io.mgw.routing.kafka.TopicAdmin;
import io.mgw.routing.kafka.Topics;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole message pipeline over Kafka, as the node wires it (ARCHITECTURE.md §5, §6):
 *
 * <pre>
 *  adapters ─▶ ingressSink() ─▶ gw.ingress ─▶ Router (rules) ─▶ gw.out.&lt;c&gt; ─▶ EgressService(c) ─▶ connector c
 *  connector c ─▶ receiptSink() ─▶ store correlation ─▶ gw.deliver.&lt;account&gt; ─▶ deliveryRegistry() targets
 * </pre>
 *
 * <p>Lifecycle: construct (nothing runs; {@link #ingressSink()}, {@link #receiptSink()} and
 * {@link #deliveryRegistry()} are usable at once, so the connector factory can hand them to connectors), then
 * {@link #start()}: creates the topics, builds and starts every connector through the factory, starts one egress
 * consumer per connector, the router and the expiry sweeper. {@link #reload} swaps rules, accounts and connectors
 * without a restart. {@link #drain} stops the sweeper and consuming, finishes what is in flight, commits and leaves the groups; {@link #close} also closes
 * connectors and the producers. The store and the embedded broker belong to the caller and are not closed.
 *
 * <p>Threading model: two idempotent producers (thread-safe), the ingress's and the one the rest shares (each with
 * its I/O thread, so submits' acknowledgements do not queue behind the delivery half's sends); one sender thread
 * behind the ingress sink; one
 * router thread; one consumer thread per connector (owns that connector's egress state); one consumer thread per
 * account served on this node; a small pool plus one timer thread for receipts; one thread for the expiry sweep and
 * purge ({@link ExpirySweeper}); one Camel context evaluating rules on
 * the router thread. Stages returned to adapters and connectors complete on Kafka producer or store threads: callers
 * must not block in their callbacks. No method of this class blocks a caller's network thread except {@link #start},
 * {@link #reload}, {@link #drain} and {@link #close}, which are meant for the node's control thread.
 */
public final class RoutingEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RoutingEngine.class);

    /**
     * Tuning with sensible defaults ({@link #defaults()}).
     *
     * @param reassemblyTimeout how long MO parts wait for their siblings
     * @param parkedRetryEvery  period of the parked-receipt retry
     * @param maxPark           how long an early receipt stays parked
     * @param ingressTimeout    bound on one ingress accept (call to Kafka ack)
     * @param ingressQueue      most messages waiting for the ingress sender thread
     * @param delivery          client-delivery tuning
     * @param egress            egress tuning per connector
     * @param sweeper           expiry sweep and purge tuning, with this node's site and node id
     */
    public record Settings(Duration reassemblyTimeout, Duration parkedRetryEvery, Duration maxPark,
            Duration ingressTimeout, int ingressQueue, ClientDeliveryDispatcher.Options delivery,
            Function<ConnectorConfig, EgressService.Options> egress, ExpirySweeper.Options sweeper) {

        public Settings {
            requireNonNull(reassemblyTimeout, "reassemblyTimeout");
            requireNonNull(parkedRetryEvery, "parkedRetryEvery");
            requireNonNull(maxPark, "maxPark");
            requireNonNull(ingressTimeout, "ingressTimeout");
            requireNonNull(delivery, "delivery");
            requireNonNull(egress, "egress");
            requireNonNull(sweeper, "sweeper");
        }

        /** The same with {@link ExpirySweeper.Options#defaults()}. */
        public Settings(Duration reassemblyTimeout, Duration parkedRetryEvery, Duration maxPark,
                Duration ingressTimeout, int ingressQueue, ClientDeliveryDispatcher.Options delivery,
                Function<ConnectorConfig, EgressService.Options> egress) {
            this(reassemblyTimeout, parkedRetryEvery, maxPark, ingressTimeout, ingressQueue, delivery, egress,
                    ExpirySweeper.Options.defaults());
        }

        public static Settings defaults() {
            return new Settings(Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofHours(1),
                    Duration.ofMillis(KafkaClients.DELIVERY_TIMEOUT_MS + 1_000), 50_000,
                    ClientDeliveryDispatcher.Options.defaults(), EgressService.Options::of);
        }

        /** The same with other sweeper options. */
        public Settings withSweeper(ExpirySweeper.Options sweeper) {
            return new Settings(reassemblyTimeout, parkedRetryEvery, maxPark, ingressTimeout, ingressQueue, delivery,
                    egress, sweeper);
        }
    }

    private record Running(ConnectorConfig config, OutboundConnector connector, EgressService egress) {}

    private final KafkaConfig kafka;
    private final KafkaClients clients;
    private final Store store;
    private final MeterRegistry meters;
    private final InstantSource clock;
    private final Function<ConnectorConfig, OutboundConnector> connectorFactory;
    private final Settings settings;
    /** The delivery half's producer: router, egress, receipts, sweeper. */
    private final KafkaProducer<String, byte[]> producer;
    /** The ingress's own producer, whose acknowledgements answer submits. */
    private final KafkaProducer<String, byte[]> ingressProducer;
    private final KafkaIngressSink ingress;
    private final ReceiptProcessor receipts;
    private final ClientDeliveryDispatcher dispatcher;
    private final ExpirySweeper sweeper;
    private final RouteRules rules;
    private final Map<String, Running> connectors = new ConcurrentHashMap<>();
    private volatile Accounts accounts;
    private volatile List<ConnectorConfig> connectorConfigs;
    private Router router;
    private volatile boolean started;
    private volatile boolean draining;

    /** Same as the full constructor with {@link Settings#defaults()}. */
    public RoutingEngine(KafkaConfig kafka, String bootstrapServers, List<RouteConfig> routes,
            List<ConnectorConfig> connectors, List<AccountConfig> accounts, Store store, MeterRegistry meters,
            InstantSource clock, Function<ConnectorConfig, OutboundConnector> connectorFactory) {
        this(kafka, bootstrapServers, routes, connectors, accounts, store, meters, clock, connectorFactory,
                Settings.defaults());
    }

    /**
     * Builds the pipeline; nothing consumes until {@link #start()}.
     *
     * @param kafka            Kafka settings (durability is checked here: weak settings on a cluster are refused)
     * @param bootstrapServers the cluster, or the embedded broker's address
     * @param routes           routing rules, in order
     * @param connectors       outbound connectors
     * @param accounts         client accounts
     * @param store            message state (not closed by this class)
     * @param meters           metrics
     * @param clock            time
     * @param connectorFactory builds an outbound connector for a config (called in start and reload)
     * @param settings         tuning
     * @throws IllegalArgumentException on invalid rules, connector settings or weak durability settings
     */
    public RoutingEngine(KafkaConfig kafka, String bootstrapServers, List<RouteConfig> routes,
            List<ConnectorConfig> connectors, List<AccountConfig> accounts, Store store, MeterRegistry meters,
            InstantSource clock, Function<ConnectorConfig, OutboundConnector> connectorFactory, Settings settings) {
        this.kafka = requireNonNull(kafka, "kafka");
        TopicAdmin.durabilityFor(kafka);
        this.clients = KafkaClients.of(kafka, bootstrapServers);
        this.store = requireNonNull(store, "store");
        this.meters = requireNonNull(meters, "meters");
        this.clock = requireNonNull(clock, "clock");
        this.connectorFactory = requireNonNull(connectorFactory, "connectorFactory");
        this.settings = requireNonNull(settings, "settings");
        this.accounts = new Accounts(accounts);
        this.connectorConfigs = List.copyOf(connectors);
        RouteRules.validate(routes);
        connectors.forEach(ReceiptProcessor::matchUnansweredAfter);
        this.rules = new RouteRules(routes);
        this.producer = clients.pipelineProducer("mgw-pipeline");
        this.ingressProducer = clients.producer("mgw-ingress");
        this.ingress = new KafkaIngressSink(ingressProducer, meters, settings.ingressTimeout(), settings.ingressQueue(),
                new IngressWithdrawal(store, meters, clock));
        this.receipts = new ReceiptProcessor(store, producer, this::accounts,
                () -> connectorConfigs, meters, clock,
                settings.parkedRetryEvery(), settings.maxPark());
        this.dispatcher = new ClientDeliveryDispatcher(clients, producer, store, meters, clock, settings.delivery());
        this.sweeper = new ExpirySweeper(store, producer, this::accounts, meters, clock, settings.sweeper());
    }

    /** The current accounts snapshot. */
    public Accounts accounts() {
        return accounts;
    }

    /**
     * Where inbound adapters and connectors (MO) hand accepted messages; an MT message refused on a Kafka timeout is
     * withdrawn ({@link IngressWithdrawal}).
     */
    public IngressSink ingressSink() {
        return ingress;
    }

    /** Where connectors hand delivery receipts. */
    public ReceiptSink receiptSink() {
        return receipts;
    }

    /** Where client adapters register receivers (SMPP RX/TRX binds, callbacks). */
    public DeliveryRegistry deliveryRegistry() {
        return dispatcher;
    }

    /** The connector built for an id, if running. */
    public java.util.Optional<OutboundConnector> connector(String id) {
        Running r = connectors.get(id);
        return r == null ? java.util.Optional.empty() : java.util.Optional.of(r.connector());
    }

    /**
     * Creates missing topics, starts connectors, egress consumers and the router. Blocks up to ~30 s on Kafka.
     *
     * @throws IllegalStateException if Kafka does not answer, or if already started
     */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        ensureTopics(connectorConfigs, accounts, rules.rules());
        for (ConnectorConfig c : connectorConfigs) {
            startConnector(c);
        }
        router = new Router(clients, producer, store, rules, this::accounts, new ConnectorDirectory() {
            @Override
            // configured, not running: a connector replaced by reload restarts while its topic gw.out.<id> keeps
            // what is routed to it, so neither reject nor fail over its traffic meanwhile
            public boolean exists(String id) {
                return isConfigured(id);
            }

            @Override
            public boolean available(String id) {
                Running r = connectors.get(id);
                return r != null ? r.connector().isAvailable() : isConfigured(id);
            }
        }, new Reassembler(store, settings.reassemblyTimeout(), clock), meters, clock);
        router.start();
        receipts.start(clients, "mgw-receipts");
        sweeper.start();
        started = true;
        log.info("Routing engine started: {} connectors, {} rules", connectors.size(), rules.rules().size());
    }

    private void ensureTopics(List<ConnectorConfig> cs, Accounts as, List<RouteConfig> rs) {
        Map<String, Integer> topics = new LinkedHashMap<>();
        topics.put(Topics.INGRESS, Math.max(1, kafka.ingressPartitions()));
        topics.put(Topics.REPORT, Math.max(1, kafka.ingressPartitions()));
        for (ConnectorConfig c : cs) {
            topics.put(Topics.out(c.id()), Math.max(1, c.partitions()));
        }
        for (AccountConfig a : as.all()) {
            topics.put(Topics.deliver(a.id()), Math.max(1, kafka.deliverPartitions()));
        }
        try (TopicAdmin admin = new TopicAdmin(kafka, clients.bootstrapServers())) {
            admin.ensure(topics);
        }
    }

    private void startConnector(ConnectorConfig c) {
        OutboundConnector oc = requireNonNull(connectorFactory.apply(c), "connector for " + c.id());
        oc.start();
        EgressService e = new EgressService(c, oc, store, clients, producer, this::accounts, meters, clock,
                settings.egress().apply(c));
        connectors.put(c.id(), new Running(c, oc, e));
        e.start();
    }

    private boolean isConfigured(String id) {
        for (ConnectorConfig c : connectorConfigs) {
            if (c.id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private void stopConnector(Running r, Duration timeout) {
        r.egress().drain(timeout);
        try {
            r.connector().close();
        } catch (RuntimeException e) {
            log.warn("Closing connector {}: {}", r.config().id(), e.toString());
        }
    }

    /**
     * Changes the expiry sweep's interval, grace and takeover delay from the next sweep on (see
     * {@link ExpirySweeper#retime}).
     *
     * @throws IllegalArgumentException if a value is out of range
     */
    public void retimeSweeper(Duration interval, Duration grace, Duration takeover) {
        sweeper.retime(interval, grace, takeover);
    }

    /**
     * Applies new rules, connectors and accounts without a restart. Rules are validated first (nothing changes if
     * they are invalid); new topics are created; new connectors start, removed ones drain (30 s at most) and close,
     * changed ones are replaced. Messages already routed keep their connector; while a changed connector restarts the
     * router keeps routing to it (its topic holds the messages), only removed connectors count as absent.
     *
     * @throws IllegalArgumentException on invalid rules, connector settings or accounts
     */
    public synchronized void reload(List<RouteConfig> routes, List<ConnectorConfig> newConnectors,
            List<AccountConfig> newAccounts) {
        RouteRules.validate(routes);
        newConnectors.forEach(ReceiptProcessor::matchUnansweredAfter);
        Accounts as = new Accounts(newAccounts);
        if (started) {
            ensureTopics(newConnectors, as, routes);
        }
        accounts = as;
        Map<String, ConnectorConfig> wanted = new LinkedHashMap<>();
        newConnectors.forEach(c -> wanted.put(c.id(), c));
        connectorConfigs = List.copyOf(newConnectors);
        if (started) {
            for (Running r : new ArrayList<>(connectors.values())) {
                ConnectorConfig w = wanted.get(r.config().id());
                if (w == null || !w.equals(r.config())) {
                    connectors.remove(r.config().id());
                    stopConnector(r, Duration.ofSeconds(30));
                }
            }
            for (ConnectorConfig c : newConnectors) {
                if (!connectors.containsKey(c.id())) {
                    startConnector(c);
                }
            }
        }
        rules.reload(routes);
    }

    /** True once started and until a drain begins. */
    public boolean isReady() {
        return started && !draining;
    }

    /**
     * The consumers whose thread ended on an unexpected error (which one, and the error), empty when none did. Such a
     * consumer does not come back by itself: its partitions stand still until the node restarts (their next owner
     * reads them from the last commit), so the node's liveness and readiness report them.
     */
    public List<String> stoppedConsumers() {
        List<String> stopped = new ArrayList<>();
        Router r;
        synchronized (this) {
            r = router;
        }
        if (r != null) {
            r.stoppedBy().ifPresent(stopped::add);
        }
        for (Running c : connectors.values()) {
            c.egress().stoppedBy().ifPresent(stopped::add);
        }
        receipts.stoppedBy().ifPresent(stopped::add);
        dispatcher.stoppedBy().ifPresent(stopped::add);
        return stopped;
    }

    /**
     * Stops consuming (router first, then egress, then receipts, then client delivery), waits for what is in flight up
     * to {@code timeout} in all, commits and leaves the groups. The ingress sink keeps working for adapters still
     * finishing. Idempotent.
     */
    public void drain(Duration timeout) {
        draining = true;
        sweeper.close();
        long deadline = System.nanoTime() + timeout.toNanos();
        Router r;
        synchronized (this) {
            r = router;
        }
        if (r != null) {
            r.drain(remaining(deadline));
        }
        List<Thread> stops = new ArrayList<>();
        for (Running c : connectors.values()) {
            Thread t = new Thread(() -> c.egress().drain(remaining(deadline)), "mgw-drain-" + c.config().id());
            t.start();
            stops.add(t);
        }
        for (Thread t : stops) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        receipts.drain(remaining(deadline));
        dispatcher.drain(remaining(deadline));
    }

    /** Simulates a node crash for tests: the router stops without committing its batch in hand. */
    void crashRouter() {
        Router r;
        synchronized (this) {
            r = router;
        }
        if (r != null) {
            r.crash();
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    /** Drains (30 s at most), closes connectors, the receipt task, the ingress sink and the producers. */
    @Override
    public void close() {
        drain(Duration.ofSeconds(30));
        for (Running r : connectors.values()) {
            try {
                r.connector().close();
            } catch (RuntimeException e) {
                log.warn("Closing connector {}: {}", r.config().id(), e.toString());
            }
        }
        connectors.clear();
        receipts.close();
        ingress.close();
        ingressProducer.close(Duration.ofSeconds(10));
        producer.close(Duration.ofSeconds(10));
        rules.close();
    }
}
