package io.mgw.core.spi;

import io.mgw.core.model.Message;
import java.util.concurrent.CompletionStage;

/**
 * Where inbound adapters hand accepted messages (MT from clients, MO from connectors): the durable ingress queue.
 *
 * <p>The returned stage completes only when the message is durable (Kafka {@code acks=all}); only then may the
 * adapter acknowledge its sender (ARCHITECTURE.md §2 promise 1). It fails with {@link TemporaryFailureException} when
 * the queue cannot take the message now (broker unreachable, buffer full): the adapter answers with its protocol's
 * temporary error. Never blocks the caller.
 */
public interface IngressSink {

    CompletionStage<Void> accept(Message message);
}
