package io.mgw.core.model;

/** MT: from an application toward a handset/pager/mailbox. MO: from a handset toward an application. */
public enum Direction {
    MT,
    MO
}
