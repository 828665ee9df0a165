package io.mgw.smpp.server;

import io.mgw.testkit.store.InMemoryStore;
import io.mgw.core.config.AccountConfig;
import io.mgw.core.config.Accounts;
import io.mgw.core.config.PasswordHash;
import io.mgw.core.model.MessageIdGenerator;
import io.mgw.core.spi.AdapterContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ServerSocketFactory;

/** Starts an {@link SmppServer} on 127.0.0.1:0 with test doubles behind it. */
final class ServerHarness implements AutoCloseable {

    static final String PASSWORD = "secret";
    static final String HASH = PasswordHash.hash(PASSWORD);

    final TestIngress ingress = new TestIngress();
    final InMemoryStore store = new InMemoryStore(java.time.Clock.systemUTC());
    final TestDeliveries deliveries = new TestDeliveries();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    volatile Accounts accounts;
    final SmppServer server;

    ServerHarness(AccountConfig... accounts) throws IOException {
        this(SmppServerConfig.defaults("127.0.0.1", 0).withFailedBindDelay(Duration.ofMillis(300)), accounts);
    }

    ServerHarness(SmppServerConfig config, AccountConfig... accounts) throws IOException {
        this(config, ServerSocketFactory.getDefault(), accounts);
    }

    ServerHarness(SmppServerConfig config, ServerSocketFactory sockets, AccountConfig... accounts)
            throws IOException {
        this.accounts = new Accounts(List.of(accounts));
        AdapterContext ctx = new AdapterContext("node-1", new MessageIdGenerator(1, 1, Clock.systemUTC()), ingress,
                receipt -> { throw new UnsupportedOperationException(); }, deliveries, store, () -> this.accounts,
                meters, Clock.systemUTC());
        server = new SmppServer(config, ctx, sockets);
        server.start();
    }

    static AccountConfig account(String id) {
        return new AccountConfig(id, HASH, List.of(), 0, 10, 5, List.of(), "hex", Duration.ofHours(48));
    }

    static AccountConfig account(String id, int window, int maxSegmentsPerSecond, List<String> allowedIps,
            List<String> allowedDestinations, String idFormat, int maxBinds) {
        return new AccountConfig(id, HASH, allowedIps, maxSegmentsPerSecond, window, maxBinds, allowedDestinations,
                idFormat, Duration.ofHours(48));
    }

    int port() {
        return server.port();
    }

    RawClient raw() throws IOException {
        return new RawClient(port(), null);
    }

    RawClient raw(String localAddress) throws IOException {
        return new RawClient(port(), localAddress);
    }

    /** A raw client bound with the given bind command (e.g. 0x09 transceiver) and interface version. */
    RawClient bound(String systemId, int bindCommand, int version) throws IOException {
        RawClient c = raw();
        RawClient.Pdu resp = c.bind(bindCommand, systemId, PASSWORD, version);
        if (resp.status() != 0) {
            c.close();
            throw new IllegalStateException("bind failed: " + resp);
        }
        return c;
    }

    double counter(String name, String tag, String value) {
        var c = meters.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        server.close();
        ingress.close();
    }
}
