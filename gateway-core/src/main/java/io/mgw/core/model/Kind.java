package io.mgw.core.model;

/** What a message is, independent of the protocol that carried it. */
public enum Kind {
    SMS_TEXT,
    SMS_BINARY,
    PAGE,
    MMS,
    EMAIL
}
