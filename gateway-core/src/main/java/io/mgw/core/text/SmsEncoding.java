package io.mgw.core.text;

/**
 * How the octets of an SMS user data carry the message.
 *
 * <ul>
 *   <li>{@link #GSM7}: 3GPP TS 23.038 §6.2.1 default alphabet plus the §6.2.1.1 extension table, 7 bits per
 *       septet (2 septets for an extension character).</li>
 *   <li>{@link #ASCII}: IA5 / US-ASCII, one octet per character (SMPP data_coding 0x01).</li>
 *   <li>{@link #LATIN1}: ISO-8859-1, one octet per character (SMPP data_coding 0x03).</li>
 *   <li>{@link #UCS2}: UTF-16BE code units, two octets each; a supplementary character takes a surrogate pair
 *       (SMPP data_coding 0x08).</li>
 *   <li>{@link #BINARY}: octets the gateway does not interpret (SMPP data_coding 0x02/0x04, GSM 8-bit classes).</li>
 * </ul>
 */
public enum SmsEncoding {
    GSM7,
    ASCII,
    LATIN1,
    UCS2,
    BINARY
}
