package io.mgw.ops.http;

import static java.util.Objects.requireNonNull;

import io.mgw.core.config.TlsConfig;
import io.mgw.core.config.TlsContextSource;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * A Netty server {@link SslContext} over a {@link TlsContextSource}: each call gives the context of the key material
 * in place now, wrapped again only when the source built a new JDK context (a renewed key store file).
 */
public final class ReloadingSslContext implements Supplier<SslContext> {

    private final TlsContextSource source;
    private final ClientAuth clientAuth;
    private final String[] protocols;
    private SSLContext wrapped;
    private SslContext current;

    /**
     * @throws IllegalArgumentException if the key material cannot be read now (see {@link TlsConfig#sslContext()})
     */
    public ReloadingSslContext(TlsConfig tls) {
        this.source = new TlsContextSource(requireNonNull(tls, "tls"));
        this.clientAuth = switch (tls.clientAuth()) {
            case NONE -> ClientAuth.NONE;
            case WANT -> ClientAuth.OPTIONAL;
            case NEED -> ClientAuth.REQUIRE;
        };
        this.protocols = tls.enabledProtocols();
        get();
    }

    @Override
    public synchronized SslContext get() {
        SSLContext now = source.current();
        if (now != wrapped) {
            current = new JdkSslContext(now, false, null, IdentityCipherSuiteFilter.INSTANCE,
                    ApplicationProtocolConfig.DISABLED, clientAuth, protocols, false);
            wrapped = now;
        }
        return current;
    }

    /** Key material read again after its file changed. */
    public long reloads() {
        return source.reloads();
    }
}
