package io.mgw.ops;

/**
 * Roles of the admin API and dashboard (ARCHITECTURE.md §9). Each role includes the ones before it: an operator may
 * do what a viewer may, an admin what an operator may.
 */
public enum AdminRole {
    /** Reads message traces, metrics and status. */
    VIEWER,
    /** Also acts on traffic: drains, pauses connectors, retries messages. */
    OPERATOR,
    /** Also changes accounts, routes and connectors. */
    ADMIN;

    /** Whether this role may do what {@code required} may. */
    public boolean includes(AdminRole required) {
        return ordinal() >= required.ordinal();
    }
}
