package io.mgw.smpp.common;

import static java.util.Objects.requireNonNull;

import io.mgw.core.model.Address;
import io.mgw.core.model.AddressType;

/**
 * An SMPP address as on the wire: TON, NPI and the address text (SMPP 3.4 §5.2.5, §5.2.6).
 *
 * @param ton     type of number
 * @param npi     numbering plan indicator
 * @param address address text, "" when absent
 */
public record SmppAddress(int ton, int npi, String address) {

    public SmppAddress {
        requireNonNull(address, "address");
    }

    /**
     * The canonical address. TON 5 is alphanumeric, TON 3 and 6 (network specific, abbreviated) short codes, TON 1,
     * 2 and 4 MSISDNs; with TON 0 digits of up to 6 are taken as a short code, longer digit strings as an MSISDN.
     */
    public Address toCanonical() {
        AddressType type = switch (ton) {
            case 1, 2, 4 -> AddressType.MSISDN;
            case 3, 6 -> AddressType.SHORT_CODE;
            case 5 -> AddressType.ALPHANUMERIC;
            default -> guess(address);
        };
        return new Address(type, address, ton, npi);
    }

    /** The wire form of a canonical address: its own TON/NPI if set, else derived from its type. */
    public static SmppAddress fromCanonical(Address a) {
        if (a.ton() != 0 || a.npi() != 0) {
            return new SmppAddress(a.ton(), a.npi(), a.value());
        }
        return switch (a.type()) {
            case MSISDN -> new SmppAddress(1, 1, a.value());
            case SHORT_CODE -> new SmppAddress(3, 0, a.value());
            case ALPHANUMERIC -> new SmppAddress(5, 0, a.value());
            default -> new SmppAddress(0, 0, a.value());
        };
    }

    private static AddressType guess(String s) {
        if (s.isEmpty()) {
            return AddressType.UNKNOWN;
        }
        String digits = s.startsWith("+") ? s.substring(1) : s;
        if (!digits.isEmpty() && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return digits.length() <= 6 ? AddressType.SHORT_CODE : AddressType.MSISDN;
        }
        return AddressType.UNKNOWN;
    }
}
