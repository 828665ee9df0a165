package io.mgw.core.spi;

/** How a client answered a delivery. */
public enum DeliveryResult {
    /** Taken (deliver_sm_resp ROK, HTTP 2xx). */
    DELIVERED,
    /** Not now (RX_T_APPN, 5xx, timeout, session gone): keep it and retry. */
    RETRY,
    /** Refused for good (RX_P_APPN, RX_R_APPN, 4xx): drop it and record why. */
    REFUSED
}
