package io.mgw.routing;

/** What the router needs to know about connectors when it picks one of a rule's list. */
public interface ConnectorDirectory {

    /** Whether the connector is configured (its topic exists). */
    boolean exists(String connectorId);

    /** Whether the connector can take traffic now (on this node: a link up, circuit closed). */
    boolean available(String connectorId);
}
