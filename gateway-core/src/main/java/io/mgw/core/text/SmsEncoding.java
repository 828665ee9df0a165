package io.mgw.core.text;

/**
 * How the octets of an SMS user data carry the message. See {@link DataCoding} for the SMPP data_coding values.
 */
public enum SmsEncoding {
    /**
     * 3GPP TS 23.038 §6.2.1 default alphabet plus the §6.2.1.1 extension table, 7 bits per septet (2 septets for an
     * extension character); see {@link Gsm7}.
     */
    GSM7,
    /** IA5 / US-ASCII, one octet per character (SMPP data_coding 0x01). */
    ASCII,
    /** ISO-8859-1, one octet per character (SMPP data_coding 0x03). */
    LATIN1,
    /** UTF-16BE code units, two octets each; a supplementary character takes a surrogate pair (data_coding 0x08). */
    UCS2,
    /** Octets the gateway does not interpret (SMPP data_coding 0x02/0x04, GSM 8-bit classes). */
    BINARY
}
