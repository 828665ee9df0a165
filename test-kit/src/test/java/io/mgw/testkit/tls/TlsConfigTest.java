package io.mgw.testkit.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.config.TlsConfig;
import io.mgw.core.config.TlsContextSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TlsConfig} and {@link TlsContextSource} (gateway-core) over stores made by keytool: tested here because the
 * test-kit makes the stores, and gateway-core cannot depend on it.
 */
class TlsConfigTest {

    @TempDir
    static Path dir;
    static TestTls tls;

    @BeforeAll
    static void stores() throws Exception {
        tls = TestTls.create(dir);
    }

    @Test
    void aServerContextIsBuiltFromAKeyStoreAndATrustStore() {
        SSLContext c = TlsConfig.server(tls.serverKeyStore(), TestTls.PASSWORD)
                .withTrustStore(tls.trustsClient(), TestTls.PASSWORD).sslContext();
        assertThat(c.getProtocol()).isEqualTo("TLS");
        assertThat(c.createSSLEngine().getSupportedProtocols()).contains("TLSv1.3");
    }

    @Test
    void aClientContextNeedsNoStores() {
        assertThat(TlsConfig.client().sslContext()).isNotNull();
    }

    @Test
    void aMissingKeyStoreIsNamed() {
        Path missing = dir.resolve("nope.p12");
        assertThatThrownBy(() -> TlsConfig.server(missing, TestTls.PASSWORD).sslContext())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keyStore " + missing + ": no such file");
    }

    @Test
    void aWrongPasswordIsSaidSo() {
        assertThatThrownBy(() -> TlsConfig.server(tls.serverKeyStore(), "wrong").sslContext())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keyStore " + tls.serverKeyStore() + ": wrong password");
        assertThatThrownBy(() -> TlsConfig.client().withTrustStore(tls.trustsServer(), "wrong").sslContext())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("trustStore " + tls.trustsServer() + ": ");
    }

    @Test
    void aKeyStoreWithoutAKeyIsRefused() {
        assertThatThrownBy(() -> TlsConfig.server(tls.trustsServer(), TestTls.PASSWORD).sslContext())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no private key");
    }

    @Test
    void aFileThatIsNoKeyStoreIsRefused() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.p12"), "-----BEGIN CERTIFICATE-----\nnot really\n");
        assertThatThrownBy(() -> TlsConfig.server(junk, TestTls.PASSWORD).sslContext())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("keyStore " + junk + ": ");
    }

    @Test
    void passwordsNeverShowInToString() {
        TlsConfig c = TlsConfig.server(tls.serverKeyStore(), "s3cret-pw").withTrustStore(tls.trustsClient(), "tr-pw");
        assertThat(c.toString()).doesNotContain("s3cret-pw").doesNotContain("tr-pw")
                .contains(tls.serverKeyStore().toString());
    }

    @Test
    void aRenewedKeyStoreIsReadForTheNextContextAndABrokenOneKeepsThePrevious(@TempDir Path own) throws Exception {
        Path live = own.resolve("live.p12");
        Files.copy(tls.serverKeyStore(), live);
        var source = new TlsContextSource(TlsConfig.server(live, TestTls.PASSWORD));
        SSLContext first = source.current();
        assertThat(source.current()).isSameAs(first);

        // a renewed certificate put in place (another key pair: another size or time)
        Path renewed = TestTls.keyPair(own, "renewed", "CN=127.0.0.1", "SAN=ip:127.0.0.1");
        Files.copy(renewed, live, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(live, FileTime.from(Instant.now().plusSeconds(5)));
        SSLContext second = source.current();
        assertThat(second).isNotSameAs(first);
        assertThat(source.reloads()).isEqualTo(1);

        // a half-written file: the previous context stays
        Files.writeString(live, "partial");
        Files.setLastModifiedTime(live, FileTime.from(Instant.now().plusSeconds(10)));
        assertThat(source.current()).isSameAs(second);
        assertThat(source.failedReloads()).isEqualTo(1);
        // and is not read again until it changes again
        assertThat(source.current()).isSameAs(second);
        assertThat(source.failedReloads()).isEqualTo(1);
    }
}
