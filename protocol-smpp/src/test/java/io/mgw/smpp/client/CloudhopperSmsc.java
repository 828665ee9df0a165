package io.mgw.smpp.client;

import com.cloudhopper.smpp.SmppServerConfiguration;
import java.io.IOException;
import java.net.ServerSocket;

/** The settings of the cloudhopper ch-smpp 5.0.9 servers the connector is tested against (an SMSC not ours). */
final class CloudhopperSmsc {

    private CloudhopperSmsc() {}

    /**
     * A server on 127.0.0.1 and a free port (read it back with {@code getPort()}), system_id "chsmsc", Netty's
     * non-blocking sockets, 10 s request expiry, no JMX.
     */
    static SmppServerConfiguration configuration() throws IOException {
        SmppServerConfiguration cfg = new SmppServerConfiguration();
        try (ServerSocket probe = new ServerSocket(0)) {
            cfg.setPort(probe.getLocalPort());
        }
        cfg.setHost("127.0.0.1");
        cfg.setSystemId("chsmsc");
        cfg.setNonBlockingSocketsEnabled(true);
        cfg.setDefaultRequestExpiryTimeout(10_000);
        cfg.setJmxEnabled(false);
        return cfg;
    }
}
