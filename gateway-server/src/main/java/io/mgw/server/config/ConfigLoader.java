package io.mgw.server.config;

import io.mgw.core.config.AccountConfig;
import io.mgw.core.config.AdminConfig;
import io.mgw.core.config.ConnectorConfig;
import io.mgw.core.config.GatewayConfig;
import io.mgw.core.config.KafkaConfig;
import io.mgw.core.config.ListenerConfig;
import io.mgw.core.config.NodeConfig;
import io.mgw.core.config.PasswordHash;
import io.mgw.core.config.RouteConfig;
import io.mgw.core.config.SimulatorConfig;
import io.mgw.core.config.StoreConfig;
import io.mgw.core.config.TlsConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a node's YAML config file into a validated {@link GatewayConfig}.
 *
 * <p>Every scalar can be overridden by an environment variable named {@code MGW_} + its path upper-cased with dots as
 * underscores (e.g. {@code MGW_KAFKA_BOOTSTRAP}, {@code MGW_LISTENERS_SMPP_PORT}). Errors name the key and the line
 * ("accounts[0].window (line 14): 0 (expected: 1..100000)"). Unknown keys are errors, so a misspelling is caught at
 * start instead of being ignored. The file format is documented in the README's config reference.
 */
public final class ConfigLoader {

    private ConfigLoader() {}

    public static GatewayConfig load(Path file) {
        return load(file, System.getenv());
    }

    public static GatewayConfig load(Path file, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(new StringReader(text), env);
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    public static GatewayConfig parse(Reader yaml, Map<String, String> env) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        options.setCodePointLimit(4 * 1024 * 1024);
        Node root;
        try {
            root = new Yaml(options).compose(yaml);
        } catch (MarkedYAMLException e) {
            throw new ConfigException("invalid YAML at line " + (e.getProblemMark().getLine() + 1) + ": "
                    + e.getProblem(), e);
        } catch (RuntimeException e) {
            throw new ConfigException("invalid YAML: " + e.getMessage(), e);
        }
        ConfigNode top = new ConfigNode(root, "", env);
        top.rejectUnknown(Set.of("node", "listeners", "kafka", "store", "accounts", "connectors", "routes",
                "simulator", "admin"));

        NodeConfig node = node(top.child("node"));
        ConfigNode listeners = top.child("listeners");
        listeners.rejectUnknown(Set.of("smpp", "http"));
        ListenerConfig smpp = smppListener(listeners.child("smpp"));
        ListenerConfig http = httpListener(listeners.child("http"));
        KafkaConfig kafka = kafka(top.child("kafka"));
        StoreConfig store = store(top.child("store"));

        List<AccountConfig> accounts = new ArrayList<>();
        Set<String> accountIds = new HashSet<>();
        for (ConfigNode a : top.list("accounts")) {
            AccountConfig acc = account(a);
            if (!accountIds.add(acc.id())) {
                throw a.child("id").error("duplicate account id '" + acc.id() + "'");
            }
            accounts.add(acc);
        }
        List<ConnectorConfig> connectors = new ArrayList<>();
        Set<String> connectorIds = new HashSet<>();
        for (ConfigNode c : top.list("connectors")) {
            ConnectorConfig cc = connector(c);
            if (!connectorIds.add(cc.id())) {
                throw c.child("id").error("duplicate connector id '" + cc.id() + "'");
            }
            connectors.add(cc);
        }
        List<RouteConfig> routes = new ArrayList<>();
        for (ConfigNode r : top.list("routes")) {
            routes.add(route(r, connectorIds, accountIds));
        }
        Optional<SimulatorConfig> simulator = top.has("simulator")
                ? Optional.of(simulator(top.child("simulator"))) : Optional.empty();
        kafka.validateDurability();
        AdminConfig admin = admin(top.child("admin"), http.loopback());
        return new GatewayConfig(node, smpp, http, kafka, store, accounts, connectors, routes, simulator, admin);
    }

    /**
     * Admin API users (HTTP Basic) and the role of requests without credentials: by default {@code viewer} when the
     * HTTP listener is on a loopback address (only this machine reaches it: the walkthrough's
     * {@code curl http://127.0.0.1:8080/api/v1/messages/...}), else none (401 without credentials).
     */
    private static AdminConfig admin(ConfigNode n, boolean loopback) {
        n.rejectUnknown(Set.of("anonymous", "users"));
        String anonymous = n.string("anonymous", loopback ? "viewer" : "none");
        if (!anonymous.equals("none") && !AdminConfig.ROLES.contains(anonymous)) {
            throw n.child("anonymous").error("'" + anonymous + "' (expected: none, viewer, operator or admin)");
        }
        List<AdminConfig.User> users = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode u : n.list("users")) {
            u.rejectUnknown(Set.of("name", "passwordHash", "password", "role"));
            String name = u.requiredString("name");
            if (name.isEmpty() || name.contains(":")) {
                throw u.child("name").error("'" + name + "' (expected: not empty, without ':')");
            }
            if (!names.add(name)) {
                throw u.child("name").error("duplicate admin user '" + name + "'");
            }
            String role = u.requiredString("role");
            if (!AdminConfig.ROLES.contains(role)) {
                throw u.child("role").error("'" + role + "' (expected: viewer, operator or admin)");
            }
            users.add(new AdminConfig.User(name, passwordHash(u), role));
        }
        return new AdminConfig(anonymous.equals("none") ? Optional.empty() : Optional.of(anonymous), users);
    }

    /** {@code passwordHash}, or a clear {@code password} (labs and tests) hashed here and never kept. */
    private static String passwordHash(ConfigNode a) {
        if (a.has("passwordHash")) {
            String hash = a.requiredString("passwordHash");
            if (!PasswordHash.isHash(hash)) {
                throw a.child("passwordHash").error("not a pbkdf2-sha256 hash (make one with ./gateway hash-password)");
            }
            return hash;
        }
        if (a.has("password")) {
            return PasswordHash.hash(a.requiredString("password"));
        }
        throw a.child("passwordHash").error("missing (required: passwordHash, or password for labs)");
    }

    private static NodeConfig node(ConfigNode n) {
        n.rejectUnknown(Set.of("site", "siteId", "nodeId", "name", "dataDir"));
        int nodeId = n.integer("nodeId", 1, 0, 0xFFFF);
        return new NodeConfig(
                n.string("site", "local"),
                n.integer("siteId", 1, 0, 0xFFFF),
                nodeId,
                n.string("name", "node-" + nodeId),
                Path.of(n.string("dataDir", "./data")).toAbsolutePath().normalize());
    }

    /** The SMPP listener: a port without TLS (unless {@code plain: false}) and, with {@code tls}, a TLS port. */
    private static ListenerConfig smppListener(ConfigNode n) {
        n.rejectUnknown(Set.of("host", "port", "enabled", "plain", "tls", "maxConnections",
                "maxConnectionsPerAddress"));
        Optional<TlsConfig> tls = Optional.empty();
        int tlsPort = 0;
        if (n.has("tls")) {
            ConfigNode t = n.child("tls");
            t.rejectUnknown(Set.of("port", "keyStore", "keyStorePassword", "trustStore", "trustStorePassword",
                    "clientAuth", "protocols"));
            tlsPort = t.integer("port", ListenerConfig.DEFAULT_SMPP_TLS_PORT, 0, 65535);
            tls = Optional.of(tls(t));
        }
        boolean plain = n.bool("plain", true);
        if (!plain && tls.isEmpty()) {
            throw n.child("plain").error("false without tls (expected: tls set, or plain true)");
        }
        return new ListenerConfig(n.string("host", "127.0.0.1"), n.integer("port", 2775, 0, 65535),
                n.bool("enabled", true), plain, tls, tlsPort,
                n.integer("maxConnections", ListenerConfig.DEFAULT_MAX_CONNECTIONS, 1, 1_000_000),
                n.integer("maxConnectionsPerAddress", ListenerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, 1,
                        1_000_000));
    }

    /** The HTTP listener: one port, HTTPS with {@code tls}. */
    private static ListenerConfig httpListener(ConfigNode n) {
        n.rejectUnknown(Set.of("host", "port", "enabled", "tls", "maxConnections", "maxConnectionsPerAddress"));
        Optional<TlsConfig> tls = Optional.empty();
        if (n.has("tls")) {
            ConfigNode t = n.child("tls");
            t.rejectUnknown(Set.of("keyStore", "keyStorePassword", "trustStore", "trustStorePassword", "clientAuth",
                    "protocols"));
            tls = Optional.of(tls(t));
        }
        return new ListenerConfig(n.string("host", "127.0.0.1"), n.integer("port", 8080, 0, 65535),
                n.bool("enabled", true), true, tls, 0,
                n.integer("maxConnections", ListenerConfig.DEFAULT_MAX_CONNECTIONS, 1, 1_000_000),
                n.integer("maxConnectionsPerAddress", ListenerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, 1,
                        1_000_000));
    }

    /** A listener's key material, read once here so that a wrong path or password fails the load. */
    private static TlsConfig tls(ConfigNode t) {
        String auth = t.string("clientAuth", "none").toUpperCase(java.util.Locale.ROOT);
        TlsConfig.ClientAuth clientAuth;
        try {
            clientAuth = TlsConfig.ClientAuth.valueOf(auth);
        } catch (IllegalArgumentException e) {
            throw t.child("clientAuth").error("'" + t.string("clientAuth", "") + "' (expected: none, want or need)");
        }
        TlsConfig c = TlsConfig.server(Path.of(t.requiredString("keyStore")).toAbsolutePath(),
                t.string("keyStorePassword", "")).withClientAuth(clientAuth);
        List<String> protocols = t.stringList("protocols");
        for (int i = 0; i < protocols.size(); i++) {
            if (!TlsConfig.SUPPORTED.contains(protocols.get(i))) {
                throw t.list("protocols").get(i).error("'" + protocols.get(i) + "' (expected: one of "
                        + TlsConfig.SUPPORTED + ")");
            }
        }
        c = c.withProtocols(protocols);
        if (t.has("trustStore")) {
            c = c.withTrustStore(Path.of(t.requiredString("trustStore")).toAbsolutePath(),
                    t.string("trustStorePassword", ""));
        } else if (clientAuth != TlsConfig.ClientAuth.NONE) {
            throw t.child("trustStore").error("missing (clientAuth " + auth.toLowerCase(java.util.Locale.ROOT)
                    + " needs the certificates to trust)");
        }
        try {
            c.sslContext();
        } catch (IllegalArgumentException e) {
            throw t.error(e.getMessage());
        }
        return c;
    }

    private static KafkaConfig kafka(ConfigNode n) {
        n.rejectUnknown(Set.of("bootstrap", "replicationFactor", "minInsyncReplicas", "allowWeakDurability",
                "ingressPartitions", "deliverPartitions", "producer", "consumer"));
        Optional<String> bootstrap = n.string("bootstrap");
        boolean embedded = bootstrap.isEmpty();
        return new KafkaConfig(
                bootstrap,
                n.integer("replicationFactor", embedded ? 1 : 3, 1, 15),
                n.integer("minInsyncReplicas", embedded ? 1 : 2, 1, 15),
                n.bool("allowWeakDurability", false),
                n.integer("ingressPartitions", 8, 1, 1024),
                n.integer("deliverPartitions", 4, 1, 1024),
                n.stringMap("producer"),
                n.stringMap("consumer"));
    }

    private static StoreConfig store(ConfigNode n) {
        n.rejectUnknown(Set.of("type", "url", "user", "password", "poolSize", "retentionDays", "sweepInterval",
                "expiryGrace", "expiryTakeover"));
        String type = n.string("type", "h2");
        if (!type.equals("h2") && !type.equals("postgresql")) {
            throw n.child("type").error("'" + type + "' (expected: h2 or postgresql)");
        }
        Optional<String> url = n.string("url");
        if (type.equals("postgresql") && url.isEmpty()) {
            throw n.child("url").error("missing (required for type postgresql)");
        }
        int retentionDays = n.integer("retentionDays", 7, 1, 3650);
        Duration interval = n.duration("sweepInterval", StoreConfig.DEFAULT_SWEEP_INTERVAL, Duration.ofSeconds(1),
                Duration.ofHours(1));
        Duration grace = n.duration("expiryGrace", StoreConfig.DEFAULT_EXPIRY_GRACE, Duration.ofMinutes(1),
                Duration.ofDays(7));
        Duration takeover = n.duration("expiryTakeover", StoreConfig.DEFAULT_EXPIRY_TAKEOVER, Duration.ofMinutes(1),
                Duration.ofDays(7));
        // a message purged before it is swept never gets its EXPIRED report
        if (grace.plus(takeover).compareTo(Duration.ofDays(retentionDays)) >= 0) {
            throw n.child(n.has("expiryTakeover") ? "expiryTakeover" : "expiryGrace").error("expiryGrace "
                    + ConfigNode.shortForm(grace) + " + expiryTakeover " + ConfigNode.shortForm(takeover)
                    + " (expected: less than retentionDays, " + retentionDays + "d)");
        }
        return new StoreConfig(type, url, n.string("user", type.equals("h2") ? "sa" : "mgw"),
                n.string("password", ""), n.integer("poolSize", 8, 1, 256), retentionDays, interval, grace,
                takeover);
    }

    private static AccountConfig account(ConfigNode a) {
        a.rejectUnknown(Set.of("id", "passwordHash", "password", "allowedIps", "maxSegmentsPerSecond", "window",
                "maxBinds", "allowedDestinations", "idFormat", "defaultValidity"));
        String id = a.requiredString("id");
        if (id.length() > 15) {
            throw a.child("id").error("'" + id + "' is " + id.length()
                    + " characters (expected: at most 15, the SMPP system_id limit)");
        }
        // a clear password is accepted for labs and tests; it is hashed at load and never kept or logged
        String hash = passwordHash(a);
        for (ConfigNode ip : a.list("allowedIps")) {
            String v = ip.scalar().orElse("");
            if (!v.matches("[0-9a-fA-F:.]+(/\\d{1,3})?")) {
                throw ip.error("'" + v + "' (expected: an IP address or CIDR block)");
            }
        }
        List<String> dests = a.stringList("allowedDestinations");
        for (int i = 0; i < dests.size(); i++) {
            if (dests.get(i).startsWith("re:")) {
                checkRegex(a.list("allowedDestinations").get(i), dests.get(i).substring(3));
            }
        }
        String idFormat = a.string("idFormat", "hex");
        if (!idFormat.equals("hex") && !idFormat.equals("decimal")) {
            throw a.child("idFormat").error("'" + idFormat + "' (expected: hex or decimal)");
        }
        return new AccountConfig(
                id,
                hash,
                a.stringList("allowedIps"),
                a.integer("maxSegmentsPerSecond", 0, 0, 10_000_000),
                a.integer("window", 50, 1, 100_000),
                a.integer("maxBinds", 16, 1, 10_000),
                dests,
                idFormat,
                a.duration("defaultValidity", Duration.ofHours(48)));
    }

    private static ConnectorConfig connector(ConfigNode c) {
        c.rejectUnknown(Set.of("id", "type", "tps", "partitions", "settings"));
        String id = c.requiredString("id");
        if (!id.matches("[A-Za-z0-9._-]+")) {
            throw c.child("id").error("'" + id + "' (expected: letters, digits, '.', '_', '-')");
        }
        String type = c.string("type", "smpp");
        if (!type.equals("smpp")) {
            throw c.child("type").error("'" + type + "' (expected: smpp; other protocols are not built yet)");
        }
        return new ConnectorConfig(id, type, c.integer("tps", 0, 0, 10_000_000),
                c.integer("partitions", 8, 1, 1024), c.stringMap("settings"));
    }

    private static RouteConfig route(ConfigNode r, Set<String> connectorIds, Set<String> accountIds) {
        r.rejectUnknown(Set.of("name", "direction", "destinationPrefix", "destinationRegex", "account", "kind",
                "connectors", "deliverTo"));
        String name = r.string("name", r.path());
        String direction = r.string("direction", "MT").toUpperCase(java.util.Locale.ROOT);
        if (!direction.equals("MT") && !direction.equals("MO")) {
            throw r.child("direction").error("'" + direction + "' (expected: MT or MO)");
        }
        r.string("destinationRegex").ifPresent(re -> checkRegex(r.child("destinationRegex"), re));
        Optional<String> kind = r.string("kind");
        kind.ifPresent(k -> {
            try {
                io.mgw.core.model.Kind.valueOf(k);
            } catch (IllegalArgumentException e) {
                throw r.child("kind").error("'" + k + "' (expected: one of "
                        + List.of(io.mgw.core.model.Kind.values()) + ")");
            }
        });
        List<String> connectors = r.stringList("connectors");
        Optional<String> deliverTo = r.string("deliverTo");
        if (direction.equals("MT")) {
            if (connectors.isEmpty()) {
                throw r.child("connectors").error("missing (an MT route needs at least one connector)");
            }
            for (int i = 0; i < connectors.size(); i++) {
                if (!connectorIds.contains(connectors.get(i))) {
                    throw r.list("connectors").get(i).error("unknown connector '" + connectors.get(i) + "'");
                }
            }
        } else {
            String to = deliverTo.orElseThrow(() -> r.child("deliverTo").error("missing (an MO route needs deliverTo)"));
            if (!accountIds.contains(to)) {
                throw r.child("deliverTo").error("unknown account '" + to + "'");
            }
        }
        return new RouteConfig(name, direction, r.string("destinationPrefix"), r.string("destinationRegex"),
                r.string("account"), kind, connectors, deliverTo);
    }

    private static SimulatorConfig simulator(ConfigNode s) {
        s.rejectUnknown(Set.of("host", "port", "receiptDelayMs", "failureRatio", "maxTps"));
        return new SimulatorConfig(s.string("host", "127.0.0.1"), s.integer("port", 2776, 0, 65535),
                s.longValue("receiptDelayMs", 100, 0, 86_400_000), s.decimal("failureRatio", 0.0, 0.0, 1.0),
                s.integer("maxTps", 0, 0, 10_000_000));
    }

    private static void checkRegex(ConfigNode n, String re) {
        try {
            Pattern.compile(re);
        } catch (PatternSyntaxException e) {
            throw n.error("invalid regex '" + re + "': " + e.getDescription());
        }
    }
}
