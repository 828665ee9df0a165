package io.mgw.smpp.client;

import io.mgw.core.spi.ReceiptSink;
import io.mgw.core.spi.SouthReceipt;
import io.mgw.core.spi.TemporaryFailureException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** Test double: records receipts; can be told to fail (as a store or Kafka outage would). */
final class RecordingReceiptSink implements ReceiptSink {

    final List<SouthReceipt> receipts = new CopyOnWriteArrayList<>();
    final AtomicBoolean failing = new AtomicBoolean();
    final AtomicBoolean neverComplete = new AtomicBoolean();

    @Override
    public CompletionStage<Void> onReceipt(SouthReceipt receipt) {
        if (neverComplete.get()) {
            return new CompletableFuture<>();
        }
        if (failing.get()) {
            return CompletableFuture.failedFuture(new TemporaryFailureException("store down"));
        }
        receipts.add(receipt);
        // complete from another thread, as a Kafka callback would
        return CompletableFuture.runAsync(() -> {});
    }
}
