package io.mgw.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.config.GatewayConfig;
import io.mgw.core.config.ListenerConfig;
import io.mgw.core.config.TlsConfig;
import io.mgw.testkit.tls.TestTls;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SMPP listener's TLS settings, read against real key stores (made by keytool). */
class ConfigLoaderTlsTest {

    @TempDir
    static Path dir;
    static TestTls tls;

    @BeforeAll
    static void stores() throws Exception {
        tls = TestTls.create(dir);
    }

    private static ListenerConfig parse(String smpp, Map<String, String> env) {
        GatewayConfig c = ConfigLoader.parse(new StringReader("listeners:\n  smpp: " + smpp + "\n"), env);
        return c.smpp();
    }

    private static String path(Path p) {
        return "\"" + p.toString().replace("\\", "/") + "\"";
    }

    @Test
    void withoutTlsOnlyThePlainPortIsOpened() {
        ListenerConfig l = ConfigLoader.parse(new StringReader("{}"), Map.of()).smpp();
        assertThat(l.plain()).isTrue();
        assertThat(l.tls()).isEmpty();
    }

    @Test
    void aTlsBlockAddsTheTlsPortWithItsDefaults() {
        ListenerConfig l = parse("{tls: {keyStore: " + path(tls.serverKeyStore()) + ", keyStorePassword: changeit}}",
                Map.of());
        assertThat(l.plain()).isTrue();
        assertThat(l.port()).isEqualTo(2775);
        assertThat(l.tlsPort()).isEqualTo(ListenerConfig.DEFAULT_SMPP_TLS_PORT);
        TlsConfig t = l.tls().orElseThrow();
        assertThat(t.keyStore()).contains(tls.serverKeyStore());
        assertThat(t.clientAuth()).isEqualTo(TlsConfig.ClientAuth.NONE);
        assertThat(t.trustStore()).isEmpty();
    }

    @Test
    void everyTlsKeyIsRead() {
        ListenerConfig l = parse("{plain: false, tls: {port: 3551, keyStore: " + path(tls.serverKeyStore())
                + ", keyStorePassword: changeit, trustStore: " + path(tls.trustsClient())
                + ", trustStorePassword: changeit, clientAuth: need}}", Map.of());
        assertThat(l.plain()).isFalse();
        assertThat(l.tlsPort()).isEqualTo(3551);
        TlsConfig t = l.tls().orElseThrow();
        assertThat(t.trustStore()).contains(tls.trustsClient());
        assertThat(t.clientAuth()).isEqualTo(TlsConfig.ClientAuth.NEED);
    }

    @Test
    void theVersionsOfferedCanBeNamed() {
        ListenerConfig l = parse("{tls: {keyStore: " + path(tls.serverKeyStore())
                + ", keyStorePassword: changeit, protocols: [TLSv1.2]}}", Map.of());
        assertThat(l.tls().orElseThrow().protocols()).containsExactly("TLSv1.2");
        assertThatThrownBy(() -> parse("{tls: {keyStore: " + path(tls.serverKeyStore())
                + ", keyStorePassword: changeit, protocols: [SSLv3]}}", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners.smpp.tls.protocols[0]")
                .hasMessageContaining("'SSLv3' (expected: one of [TLSv1.3, TLSv1.2])");
    }

    @Test
    void theKeyStorePasswordCanComeFromTheEnvironment() {
        ListenerConfig l = parse("{tls: {keyStore: " + path(tls.serverKeyStore()) + "}}",
                Map.of("MGW_LISTENERS_SMPP_TLS_KEYSTOREPASSWORD", TestTls.PASSWORD));
        assertThat(l.tls().orElseThrow().keyStorePassword()).isEqualTo(TestTls.PASSWORD);
    }

    @Test
    void aMissingKeyStoreIsRefused() {
        assertThatThrownBy(() -> parse("{tls: {port: 3550}}", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners.smpp.tls.keyStore")
                .hasMessageContaining("missing");
    }

    @Test
    void aWrongPasswordIsRefusedAtLoadNamingTheFile() {
        assertThatThrownBy(() -> parse("{tls: {keyStore: " + path(tls.serverKeyStore()) + ", keyStorePassword: nope}}",
                Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners.smpp.tls")
                .hasMessageContaining(tls.serverKeyStore() + ": wrong password");
    }

    @Test
    void aKeyStoreFileThatDoesNotExistIsRefused() {
        assertThatThrownBy(() -> parse("{tls: {keyStore: " + path(dir.resolve("absent.p12")) + "}}", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("absent.p12: no such file");
    }

    @Test
    void clientCertificatesAskedForNeedATrustStore() {
        assertThatThrownBy(() -> parse("{tls: {keyStore: " + path(tls.serverKeyStore())
                + ", keyStorePassword: changeit, clientAuth: want}}", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners.smpp.tls.trustStore")
                .hasMessageContaining("clientAuth want needs the certificates to trust");
    }

    @Test
    void anUnknownClientAuthIsRefused() {
        assertThatThrownBy(() -> parse("{tls: {keyStore: " + path(tls.serverKeyStore())
                + ", keyStorePassword: changeit, clientAuth: maybe}}", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'maybe' (expected: none, want or need)");
    }

    @Test
    void closingThePlainPortWithoutTlsIsRefused() {
        assertThatThrownBy(() -> parse("{plain: false}", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners.smpp.plain")
                .hasMessageContaining("false without tls");
    }

    @Test
    void aMisspeltTlsKeyIsRefused() {
        assertThatThrownBy(() -> parse("{tls: {keystore: x}}", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners.smpp.tls.keystore")
                .hasMessageContaining("unknown key");
    }

    @Test
    void theHttpListenerSpeaksHttpsOnItsPortWithATlsBlock() {
        GatewayConfig c = ConfigLoader.parse(new StringReader("listeners:\n  http: {port: 8443, tls: {keyStore: "
                + path(tls.serverKeyStore()) + ", keyStorePassword: changeit}}\n"), Map.of());
        assertThat(c.http().port()).isEqualTo(8443);
        assertThat(c.http().tls().orElseThrow().keyStore()).contains(tls.serverKeyStore());
    }

    @Test
    void theHttpListenerHasNoSecondPort() {
        assertThatThrownBy(() -> ConfigLoader.parse(new StringReader("listeners:\n  http: {tls: {port: 8443, keyStore: "
                + path(tls.serverKeyStore()) + "}}\n"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners.http.tls.port")
                .hasMessageContaining("unknown key");
        assertThatThrownBy(() -> ConfigLoader.parse(new StringReader("listeners:\n  http: {plain: false}\n"),
                Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners.http.plain");
    }
}
