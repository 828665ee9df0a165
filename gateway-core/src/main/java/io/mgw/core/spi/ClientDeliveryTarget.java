package io.mgw.core.spi;

import java.util.concurrent.CompletionStage;

/** One way of reaching a client account: an SMPP receiver bind, a callback URL... */
public interface ClientDeliveryTarget {

    /** A short description for logs and the dashboard (e.g. "smpp:demo@127.0.0.1:53312#RX"). */
    String describe();

    /** False once the target is gone or full (window full); the dispatcher then tries another. */
    boolean isReady();

    /** Delivers; the stage completes when the client answered or the attempt timed out (then RETRY). */
    CompletionStage<DeliveryResult> deliver(ClientDelivery delivery);
}
