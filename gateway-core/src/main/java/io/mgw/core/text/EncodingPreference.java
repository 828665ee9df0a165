package io.mgw.core.text;

/**
 * Which encodings an outbound connector may use for text, cheapest first. See
 * {@link DataCoding#choose(String, EncodingPreference)}.
 */
public enum EncodingPreference {
    /** GSM 7-bit when every character is in the default or extension table, otherwise UCS-2. */
    GSM7_OR_UCS2,
    /** Latin-1 (8-bit) when every character is at most U+00FF, otherwise UCS-2. */
    LATIN1_OR_UCS2,
    /** Always UCS-2. */
    UCS2
}
