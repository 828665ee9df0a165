package io.mgw.smpp.client;

import io.mgw.core.model.Message;
import io.mgw.core.spi.IngressSink;
import io.mgw.core.spi.TemporaryFailureException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** Test double: records MO messages; can be told to fail. */
final class RecordingIngressSink implements IngressSink {

    final List<Message> messages = new CopyOnWriteArrayList<>();
    final AtomicBoolean failing = new AtomicBoolean();

    @Override
    public CompletionStage<Void> accept(Message message) {
        if (failing.get()) {
            return CompletableFuture.failedFuture(new TemporaryFailureException("kafka down"));
        }
        messages.add(message);
        return CompletableFuture.runAsync(() -> {});
    }
}
