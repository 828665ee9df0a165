package io.mgw.core.model;

import static java.util.Objects.requireNonNull;

/**
 * A source or destination address.
 *
 * @param type  the kind of address
 * @param value the address text as given (digits for MSISDNs, without '+')
 * @param ton   SMPP type of number (SMPP 3.4 §5.2.5), 0 where not known
 * @param npi   SMPP numbering plan indicator (SMPP 3.4 §5.2.6), 0 where not known
 */
public record Address(AddressType type, String value, int ton, int npi) {

    public Address {
        requireNonNull(type, "type");
        requireNonNull(value, "value");
    }

    public static Address msisdn(String digits) {
        return new Address(AddressType.MSISDN, digits, 1, 1);
    }

    public static Address of(String value) {
        return new Address(AddressType.UNKNOWN, value, 0, 0);
    }
}
