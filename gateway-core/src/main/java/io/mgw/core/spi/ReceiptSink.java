package io.mgw.core.spi;

import java.util.concurrent.CompletionStage;

/**
 * Takes delivery receipts from outbound connectors. The stage completes when the receipt is durable (correlated and
 * published, or parked until its correlation appears); only then should the connector acknowledge it to the peer
 * (e.g. deliver_sm_resp ROK). On failure, the connector answers with a temporary error so the peer retries.
 */
public interface ReceiptSink {

    CompletionStage<Void> onReceipt(SouthReceipt receipt);
}
