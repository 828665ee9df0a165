package io.mgw.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.config.GatewayConfig;
import io.mgw.core.config.PasswordHash;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    private static GatewayConfig parse(String yaml) {
        return ConfigLoader.parse(new StringReader(yaml), Map.of());
    }

    private static GatewayConfig parse(String yaml, Map<String, String> env) {
        return ConfigLoader.parse(new StringReader(yaml), env);
    }

    @Test
    void demoConfigLoads() {
        GatewayConfig c = ConfigLoader.load(Path.of("../config/demo.yaml"), Map.of());
        assertThat(c.smpp().port()).isEqualTo(2775);
        assertThat(c.http().port()).isEqualTo(8080);
        assertThat(c.kafka().bootstrap()).isEmpty();
        assertThat(c.store().type()).isEqualTo("h2");
        assertThat(c.accounts()).singleElement().satisfies(a -> {
            assertThat(a.id()).isEqualTo("demo");
            assertThat(PasswordHash.verify("demopass", a.passwordHash())).isTrue();
            assertThat(a.defaultValidity()).isEqualTo(Duration.ofHours(48));
        });
        assertThat(c.connectors()).singleElement().satisfies(k -> assertThat(k.setting("port", "")).isEqualTo("2776"));
        assertThat(c.routes()).hasSize(2);
        assertThat(c.simulator()).isPresent();
        assertThat(c.node().dataDir()).isAbsolute();
        assertThat(c.node().dataDir().getFileName().toString()).isEqualTo("data");
    }

    @Test
    void emptyFileGivesDefaults() {
        GatewayConfig c = parse("{}");
        assertThat(c.smpp().host()).isEqualTo("127.0.0.1");
        assertThat(c.kafka().replicationFactor()).isEqualTo(1);
        assertThat(c.accounts()).isEmpty();
    }

    @Test
    void connectionLimitsAreReadPerListener() {
        GatewayConfig c = parse("listeners:\n  smpp: {maxConnections: 50}\n  http: {maxConnections: 20}\n");
        assertThat(c.smpp().maxConnections()).isEqualTo(50);
        assertThat(c.http().maxConnections()).isEqualTo(20);
        assertThat(parse("{}").smpp().maxConnections()).isEqualTo(1_000);
        assertThatThrownBy(() -> parse("listeners:\n  smpp: {maxConnections: 0}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners.smpp.maxConnections");
    }

    @Test
    void bothListenersHaveACapPerAddress() {
        assertThat(parse("listeners:\n  smpp: {maxConnectionsPerAddress: 4}\n").smpp().maxConnectionsPerAddress())
                .isEqualTo(4);
        assertThat(parse("{}").smpp().maxConnectionsPerAddress()).isEqualTo(100);
        assertThatThrownBy(() -> parse("listeners:\n  smpp: {maxConnectionsPerAddress: 0}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners.smpp.maxConnectionsPerAddress");
        assertThat(parse("listeners:\n  http: {maxConnectionsPerAddress: 4}\n").http().maxConnectionsPerAddress())
                .isEqualTo(4);
        assertThat(parse("{}").http().maxConnectionsPerAddress()).isEqualTo(100);
        assertThatThrownBy(() -> parse("listeners:\n  http: {maxConnectionsPerAddress: 0}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners.http.maxConnectionsPerAddress");
    }

    @Test
    void requestsWithoutCredentialsReadTheAdminApiOnlyWhenTheHttpListenerIsOnLoopback() {
        assertThat(parse("{}").admin().anonymousRole()).contains("viewer");
        assertThat(parse("listeners:\n  http: {host: \"::1\"}\n").admin().anonymousRole()).contains("viewer");
        assertThat(parse("listeners:\n  http: {host: \"0:0:0:0:0:0:0:1\"}\n").admin().anonymousRole())
                .contains("viewer");
        assertThat(parse("listeners:\n  http: {host: 127.0.0.2}\n").admin().anonymousRole()).contains("viewer");
        assertThat(parse("listeners:\n  http: {host: 0.0.0.0}\n").admin().anonymousRole()).isEmpty();
        assertThat(parse("listeners:\n  http: {host: 10.1.2.3}\nadmin: {anonymous: operator}\n").admin()
                .anonymousRole()).contains("operator");
        assertThat(parse("admin: {anonymous: none}\n").admin().anonymousRole()).isEmpty();
        assertThatThrownBy(() -> parse("admin: {anonymous: root}\n"))
                .hasMessageContaining("admin.anonymous (line 1): 'root' (expected: none, viewer, operator or admin)");
    }

    @Test
    void adminUsersHaveAHashedPasswordAndARole() {
        GatewayConfig c = parse("""
                admin:
                  users:
                    - {name: noc, password: s3cret, role: viewer}
                    - {name: lead, passwordHash: "%s", role: admin}
                """.formatted(PasswordHash.hash("x")));
        assertThat(c.admin().users()).hasSize(2);
        assertThat(PasswordHash.verify("s3cret", c.admin().users().get(0).passwordHash())).isTrue();
        assertThat(c.admin().users().get(1).role()).isEqualTo("admin");
        assertThat(c.admin().users().toString()).doesNotContain("pbkdf2");
        assertThatThrownBy(() -> parse("admin:\n  users:\n    - {name: noc, password: x, role: boss}\n"))
                .hasMessageContaining("admin.users[0].role (line 3): 'boss'");
        assertThatThrownBy(() -> parse("admin:\n  users:\n    - {name: noc, role: viewer}\n"))
                .hasMessageContaining("admin.users[0].passwordHash").hasMessageContaining("missing");
        assertThatThrownBy(() -> parse("admin:\n  users:\n    - {name: \"a:b\", password: x, role: viewer}\n"))
                .hasMessageContaining("admin.users[0].name");
        assertThatThrownBy(() -> parse("""
                admin:
                  users:
                    - {name: noc, password: x, role: viewer}
                    - {name: noc, password: y, role: admin}
                """)).hasMessageContaining("duplicate admin user 'noc'");
    }

    @Test
    void unknownKeyIsAnErrorWithItsLine() {
        assertThatThrownBy(() -> parse("node:\n  siteId: 1\n  sitId: 2\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("node.sitId (line 3): unknown key");
    }

    @Test
    void outOfRangeValueNamesKeyAndLine() {
        String yaml = """
                accounts:
                  - id: a
                    password: x
                    window: 0
                """;
        assertThatThrownBy(() -> parse(yaml)).hasMessageContaining("accounts[0].window (line 4): 0 (expected: 1..100000)");
    }

    @Test
    void routeToUnknownConnectorIsRefused() {
        String yaml = """
                routes:
                  - name: r
                    connectors: [nope]
                """;
        assertThatThrownBy(() -> parse(yaml)).hasMessageContaining("routes[0].connectors[0]").hasMessageContaining("unknown connector 'nope'");
    }

    @Test
    void badRegexIsRefused() {
        String yaml = """
                connectors: [{id: c}]
                routes:
                  - connectors: [c]
                    destinationRegex: "44(["
                """;
        assertThatThrownBy(() -> parse(yaml)).hasMessageContaining("routes[0].destinationRegex (line 4): invalid regex");
    }

    @Test
    void weakDurabilityOnAClusterIsRefusedUnlessAllowed() {
        assertThatThrownBy(() -> parse("kafka:\n  bootstrap: k1:9092\n  replicationFactor: 2\n"))
                .hasMessageContaining("kafka.replicationFactor: 2 (expected: >= 3");
        assertThatThrownBy(() -> parse("kafka:\n  bootstrap: k1:9092\n  minInsyncReplicas: 1\n"))
                .hasMessageContaining("kafka.minInsyncReplicas: 1");
        GatewayConfig ok = parse("kafka:\n  bootstrap: k1:9092\n  replicationFactor: 1\n  minInsyncReplicas: 1\n  allowWeakDurability: true\n");
        assertThat(ok.kafka().replicationFactor()).isEqualTo(1);
        assertThat(parse("kafka:\n  bootstrap: k1:9092\n").kafka().minInsyncReplicas()).isEqualTo(2);
    }

    @Test
    void environmentOverridesScalars() {
        GatewayConfig c = parse("listeners:\n  smpp: {port: 2775}\n",
                Map.of("MGW_LISTENERS_SMPP_PORT", "3775", "MGW_KAFKA_BOOTSTRAP", "k:9092", "MGW_KAFKA_ALLOWWEAKDURABILITY", "true"));
        assertThat(c.smpp().port()).isEqualTo(3775);
        assertThat(c.kafka().bootstrap()).contains("k:9092");
    }

    @Test
    void clearPasswordIsHashedAtLoad() {
        GatewayConfig c = parse("accounts:\n  - id: a\n    password: secret\n");
        assertThat(c.accounts().get(0).passwordHash()).startsWith("pbkdf2-sha256$").doesNotContain("secret");
    }

    @Test
    void invalidYamlNamesTheLine() {
        assertThatThrownBy(() -> parse("node:\n  site: [unclosed\n")).hasMessageContaining("invalid YAML at line");
    }

    @Test
    void duplicateKeysAreRefused() {
        assertThatThrownBy(() -> parse("node:\n  site: a\n  site: b\n")).hasMessageContaining("node.site (line 3): duplicate key");
    }

    @Test
    void moRouteNeedsAKnownAccount() {
        assertThatThrownBy(() -> parse("routes:\n  - direction: MO\n    deliverTo: ghost\n"))
                .hasMessageContaining("routes[0].deliverTo (line 3): unknown account 'ghost'");
    }

    @Test
    void sweeperTimingDefaults() {
        GatewayConfig c = parse("{}");
        assertThat(c.store().sweepInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.store().expiryGrace()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.store().expiryTakeover()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void sweeperTimingIsReadFromTheStoreBlockAndTheEnvironment() {
        GatewayConfig c = parse("store:\n  sweepInterval: 30s\n  expiryGrace: 5m\n  expiryTakeover: PT2H\n",
                Map.of("MGW_STORE_SWEEPINTERVAL", "15s"));
        assertThat(c.store().sweepInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.store().expiryGrace()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.store().expiryTakeover()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void zeroSweepIntervalIsRefused() {
        assertThatThrownBy(() -> parse("store:\n  sweepInterval: 0s\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.sweepInterval (line 2): '0s' (expected: 1s..1h)");
    }

    @Test
    void sweepIntervalAboveAnHourIsRefused() {
        assertThatThrownBy(() -> parse("store:\n  sweepInterval: 2h\n"))
                .hasMessageContaining("store.sweepInterval (line 2): '2h' (expected: 1s..1h)");
    }

    @Test
    void sweepIntervalThatIsNoDurationIsRefused() {
        assertThatThrownBy(() -> parse("store:\n  sweepInterval: soon\n"))
                .hasMessageContaining("store.sweepInterval (line 2): 'soon' (expected: a duration such as");
    }

    @Test
    void expiryGraceBelowAMinuteIsRefused() {
        assertThatThrownBy(() -> parse("store:\n  expiryGrace: 30s\n"))
                .hasMessageContaining("store.expiryGrace (line 2): '30s' (expected: 1m..7d)");
    }

    @Test
    void expiryGraceAboveSevenDaysIsRefused() {
        assertThatThrownBy(() -> parse("store:\n  retentionDays: 30\n  expiryGrace: 8d\n"))
                .hasMessageContaining("store.expiryGrace (line 3): '8d' (expected: 1m..7d)");
    }

    @Test
    void negativeExpiryGraceIsRefused() {
        assertThatThrownBy(() -> parse("store:\n  expiryGrace: PT-10M\n"))
                .hasMessageContaining("store.expiryGrace (line 2): 'PT-10M' (expected: 1m..7d)");
    }

    @Test
    void zeroExpiryTakeoverIsRefused() {
        assertThatThrownBy(() -> parse("store:\n  expiryTakeover: 0m\n"))
                .hasMessageContaining("store.expiryTakeover (line 2): '0m' (expected: 1m..7d)");
    }

    @Test
    void expiryTakeoverAboveSevenDaysIsRefused() {
        assertThatThrownBy(() -> parse("store:\n  retentionDays: 30\n  expiryTakeover: 169h\n"))
                .hasMessageContaining("store.expiryTakeover (line 3): '169h' (expected: 1m..7d)");
    }

    @Test
    void graceAndTakeoverReachingTheRetentionAreRefused() {
        assertThatThrownBy(() -> parse("store:\n  retentionDays: 1\n  expiryGrace: 12h\n  expiryTakeover: 12h\n"))
                .hasMessageContaining("store.expiryTakeover (line 4): expiryGrace 12h + expiryTakeover 12h "
                        + "(expected: less than retentionDays, 1d)");
    }

    @Test
    void misspeltSweeperKeyIsRefused() {
        assertThatThrownBy(() -> parse("store:\n  sweepIntervall: 30s\n"))
                .hasMessageContaining("store.sweepIntervall (line 2): unknown key");
    }
}
