package io.mgw.routing.kafka;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Topic and consumer-group names of the pipeline (ARCHITECTURE.md §5).
 *
 * <pre>
 *  gw.ingress            every accepted MT and MO message, key = destination address
 *  gw.out.&lt;connector&gt;    messages routed to one outbound connector, key = destination address
 *  gw.report             delivery receipts from connectors, before correlation, key = connector/remote id
 *  gw.deliver.&lt;account&gt;  reports and MO for one client account; key = message id for a report,
 *                        source address for an MO (so MO from one sender keep their order)
 * </pre>
 *
 * Group names equal the topic names except for the ingress, read by group {@code gw.router}.
 */
public final class Topics {

    /** Characters Kafka allows in a topic name. */
    private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]+");

    /** The ingress topic. */
    public static final String INGRESS = "gw.ingress";

    /**
     * Delivery receipts from the south as they came in (keyed by connector and remote id), before correlation; also
     * the name of the consumer group that correlates them.
     */
    public static final String REPORT = "gw.report";

    /** The consumer group of the router. */
    public static final String ROUTER_GROUP = "gw.router";

    private static final String OUT_PREFIX = "gw.out.";
    private static final String DELIVER_PREFIX = "gw.deliver.";

    /*
     * Names already checked, by connector and by account: the router, the egress failover and the receipt path ask
     * for one per message, so each is checked and built once. Bounded by the configured connectors and accounts (an
     * illegal name throws every time and is not kept).
     */
    private static final Map<String, String> OUT = new ConcurrentHashMap<>();
    private static final Map<String, String> DELIVER = new ConcurrentHashMap<>();

    private Topics() {}

    /** The egress topic of a connector, also the name of its consumer group. */
    public static String out(String connectorId) {
        return OUT.computeIfAbsent(requireNonNull(connectorId, "connectorId"),
                id -> OUT_PREFIX + checkName(id, "connectorId"));
    }

    /** The client-delivery topic of an account, also the name of its consumer group. */
    public static String deliver(String account) {
        return DELIVER.computeIfAbsent(requireNonNull(account, "account"),
                a -> DELIVER_PREFIX + checkName(a, "account"));
    }

    private static String checkName(String name, String what) {
        // Kafka topic names allow [a-zA-Z0-9._-] up to 249 characters.
        if (name.isEmpty() || name.length() > 200 || !LEGAL.matcher(name).matches()) {
            throw new IllegalArgumentException(what + ": '" + name + "' (expected: 1..200 of letters, digits, . _ -)");
        }
        return name;
    }
}
