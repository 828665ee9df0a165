package io.mgw.core.model;

/** The kind of address; decides how an outbound adapter renders it (TON/NPI for SMPP, mailbox for SMTP...). */
public enum AddressType {
    MSISDN,
    SHORT_CODE,
    ALPHANUMERIC,
    PAGER_ID,
    EMAIL,
    UNKNOWN
}
