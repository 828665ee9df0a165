package io.mgw.core.spi;

import io.mgw.core.model.Message;
import java.util.concurrent.CompletionStage;

/**
 * The south side of one connector (an SMSC, MMSC, paging carrier or mail relay), driven by the egress consumer of
 * topic {@code gw.out.<id>}.
 *
 * <p>The connector encodes and splits the canonical message per its own settings, respects its peer's window and its
 * share of the contracted rate, and reports each message's outcome through the returned stage (never by throwing).
 * Receipts and MO from the peer go to the {@link ReceiptSink} and {@link IngressSink} it was built with.
 */
public interface OutboundConnector extends AutoCloseable {

    /** The connector id, as in the config; also the suffix of its topic. */
    String id();

    /** Opens binds/connections; returns at once, connecting in the background. */
    void start();

    /**
     * Hands one message (one destination) to the peer. The stage completes with the outcome once every segment was
     * answered, or with {@link SubmitOutcome.TemporaryFailure} at once when no link is up or the circuit is open.
     */
    CompletionStage<SubmitOutcome> submit(Message message);

    /** Segments this message will take on this connector (for rate accounting before submit). */
    int segmentsFor(Message message);

    /** True when at least one link is up and the circuit breaker lets traffic through. */
    boolean isAvailable();

    /**
     * This node's share (0..1] of the connector's cluster-wide rate, following its share of the topic's partitions.
     */
    void setRateShare(double share);

    /** Unbinds gracefully, waiting a bounded time for outstanding responses. */
    @Override
    void close();
}
