package io.mgw.core.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS settings of a listener or a connector: key and trust material from key store files (PKCS#12 or JKS, the type
 * found from the file), as the JDK reads them.
 *
 * <p>A listener needs {@code keyStore} (its certificate and private key); {@code trustStore} is then the set of
 * client certificates or CAs it accepts when {@code clientAuth} asks for one. A connector needs neither: without a
 * trust store it trusts the JDK's default CAs, and {@code keyStore} is the client certificate it shows when the peer
 * asks. A PEM certificate and key become a PKCS#12 file with
 * {@code openssl pkcs12 -export -in cert.pem -inkey key.pem -out server.p12}.
 *
 * @param keyStore           our certificate chain and private key
 * @param keyStorePassword   its password (also the key's); never logged
 * @param trustStore         the certificates we trust; empty: the JDK's default CAs
 * @param trustStorePassword its password; may be empty
 * @param clientAuth         whether a listener asks the client for a certificate (ignored by connectors)
 * @param verifyHostname     whether a connector checks that the peer's certificate names the host it dialled
 *                           (ignored by listeners)
 * @param protocols          the TLS versions offered ("TLSv1.3", "TLSv1.2"); empty: the JDK's defaults (1.3 and 1.2).
 *                           Some peers' TLS stacks fail with 1.3 (see docs/SMPP.md); naming "TLSv1.2" alone serves
 *                           them
 */
public record TlsConfig(
        Optional<Path> keyStore,
        String keyStorePassword,
        Optional<Path> trustStore,
        String trustStorePassword,
        ClientAuth clientAuth,
        boolean verifyHostname,
        List<String> protocols) {

    /** Whether a listener asks its clients for a certificate. */
    public enum ClientAuth {
        /** No client certificate asked for. */
        NONE,
        /** Asked for; a client without one is still accepted, one with an untrusted one is not. */
        WANT,
        /** Required: a client without a trusted certificate fails the handshake. */
        NEED
    }

    public TlsConfig {
        requireNonNull(keyStore, "keyStore");
        requireNonNull(keyStorePassword, "keyStorePassword");
        requireNonNull(trustStore, "trustStore");
        requireNonNull(trustStorePassword, "trustStorePassword");
        requireNonNull(clientAuth, "clientAuth");
        protocols = List.copyOf(protocols);
        for (String p : protocols) {
            if (!SUPPORTED.contains(p)) {
                throw new IllegalArgumentException("protocols: '" + p + "' (expected: one of " + SUPPORTED + ")");
            }
        }
    }

    /** The TLS versions a config may name: those this JDK supports, without the SSL and TLS 1.0/1.1 of old. */
    public static final List<String> SUPPORTED = List.of("TLSv1.3", "TLSv1.2");

    /** The versions to enable on a socket or engine: {@link #protocols()}, or null for the JDK's defaults. */
    public String[] enabledProtocols() {
        return protocols.isEmpty() ? null : protocols.toArray(String[]::new);
    }

    /** A connector's settings: the JDK's default CAs, the peer's host name checked, no client certificate. */
    public static TlsConfig client() {
        return new TlsConfig(Optional.empty(), "", Optional.empty(), "", ClientAuth.NONE, true, List.of());
    }

    /** A listener's settings: {@code keyStore} with {@code password}, no client certificate asked for. */
    public static TlsConfig server(Path keyStore, String password) {
        return new TlsConfig(Optional.of(keyStore), password, Optional.empty(), "", ClientAuth.NONE, false,
                List.of());
    }

    /** The same with {@code store} as the trust store. */
    public TlsConfig withTrustStore(Path store, String password) {
        return new TlsConfig(keyStore, keyStorePassword, Optional.of(store), password, clientAuth, verifyHostname,
                protocols);
    }

    /** The same with {@code store} as the key store. */
    public TlsConfig withKeyStore(Path store, String password) {
        return new TlsConfig(Optional.of(store), password, trustStore, trustStorePassword, clientAuth, verifyHostname,
                protocols);
    }

    /** The same asking clients for a certificate as {@code value} says. */
    public TlsConfig withClientAuth(ClientAuth value) {
        return new TlsConfig(keyStore, keyStorePassword, trustStore, trustStorePassword, value, verifyHostname,
                protocols);
    }

    /** The same with the host name check on or off. */
    public TlsConfig withVerifyHostname(boolean value) {
        return new TlsConfig(keyStore, keyStorePassword, trustStore, trustStorePassword, clientAuth, value, protocols);
    }

    /** The same offering only {@code value} (empty: the JDK's defaults). */
    public TlsConfig withProtocols(List<String> value) {
        return new TlsConfig(keyStore, keyStorePassword, trustStore, trustStorePassword, clientAuth, verifyHostname,
                value);
    }

    /**
     * Applies the client side's settings to a socket made from {@link #sslContext()}, before its handshake: the
     * versions, and the check that the peer's certificate names the host dialled ({@link #verifyHostname()}).
     */
    public void configureClient(SSLSocket socket) {
        SSLParameters p = socket.getSSLParameters();
        if (verifyHostname) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!protocols.isEmpty()) {
            p.setProtocols(enabledProtocols());
        }
        socket.setSSLParameters(p);
    }

    /**
     * Applies a listener's settings to an accepted socket made from {@link #sslContext()}, before its handshake: server
     * mode, the versions, and whether a client certificate is asked for.
     */
    public void configureServer(SSLSocket socket) {
        socket.setUseClientMode(false);
        if (!protocols.isEmpty()) {
            socket.setEnabledProtocols(enabledProtocols());
        }
        switch (clientAuth) {
            case NEED -> socket.setNeedClientAuth(true);
            case WANT -> socket.setWantClientAuth(true);
            case NONE -> { }
        }
    }

    /** Like the record's own, without the passwords. */
    @Override
    public String toString() {
        return "TlsConfig[keyStore=" + keyStore.map(Path::toString).orElse("-") + ", trustStore="
                + trustStore.map(Path::toString).orElse("(JDK default)") + ", clientAuth=" + clientAuth
                + ", verifyHostname=" + verifyHostname + (protocols.isEmpty() ? "" : ", protocols=" + protocols) + "]";
    }

    /**
     * Reads the stores and builds a context with the JDK's default versions and ciphers; the sockets made from it
     * narrow the versions to {@link #protocols()} ({@link #enabledProtocols()}). Each call reads the files anew (see
     * {@link TlsContextSource} for renewal).
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it (missing, unreadable, wrong
     *                                  password, no private key in a key store)
     */
    public SSLContext sslContext() {
        KeyManager[] keys = null;
        if (keyStore.isPresent()) {
            KeyStore ks = load(keyStore.get(), keyStorePassword, "keyStore");
            try {
                if (!hasKey(ks)) {
                    throw new IllegalArgumentException("keyStore " + keyStore.get()
                            + ": holds no private key (expected: a certificate with its key)");
                }
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, keyStorePassword.toCharArray());
                keys = kmf.getKeyManagers();
            } catch (UnrecoverableKeyException e) {
                throw new IllegalArgumentException("keyStore " + keyStore.get()
                        + ": the key cannot be read with the store's password (expected: one password for both)", e);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("keyStore " + keyStore.get() + ": " + e.getMessage(), e);
            }
        }
        TrustManager[] trust = null;
        if (trustStore.isPresent()) {
            KeyStore ts = load(trustStore.get(), trustStorePassword, "trustStore");
            try {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
                trust = tmf.getTrustManagers();
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("trustStore " + trustStore.get() + ": " + e.getMessage(), e);
            }
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS unavailable in this JDK", e);
        }
    }

    private static KeyStore load(Path file, String password, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " " + file + ": no such file");
        }
        try {
            return KeyStore.getInstance(file.toFile(), password.toCharArray());
        } catch (IOException e) {
            // the JDK reports a wrong password as an IOException caused by an UnrecoverableKeyException
            String why = e.getCause() instanceof UnrecoverableKeyException
                    ? "wrong password" : e.getMessage();
            throw new IllegalArgumentException(what + " " + file + ": " + why, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(what + " " + file + ": not a key store the JDK reads ("
                    + e.getMessage() + ")", e);
        }
    }

    private static boolean hasKey(KeyStore ks) throws GeneralSecurityException {
        for (String alias : Collections.list(ks.aliases())) {
            if (ks.isKeyEntry(alias)) {
                return true;
            }
        }
        return false;
    }
}
