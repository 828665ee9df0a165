package io.mgw.core.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * This node's identity and places.
 *
 * @param site    site name (Kafka broker.rack; replicas spread over sites)
 * @param siteId  numeric site id 0..65535, inside every message id
 * @param nodeId  numeric node id 0..65535, unique within the site
 * @param name    node name for logs and metrics
 * @param dataDir where the embedded Kafka and H2 keep their files
 */
public record NodeConfig(String site, int siteId, int nodeId, String name, Path dataDir) {

    public NodeConfig {
        requireNonNull(site, "site");
        requireNonNull(name, "name");
        requireNonNull(dataDir, "dataDir");
    }
}
