package io.mgw.routing;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mgw.core.model.Direction;
import io.mgw.core.model.EventType;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.store.Store;
import io.mgw.routing.kafka.KafkaIngressSink;
import java.time.InstantSource;
import java.util.function.Consumer;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Withdraws an MT message its sender was refused while Kafka may have taken it all the same; {@link KafkaIngressSink}
 * calls {@link #accept} for every accept that failed that way ({@link KafkaIngressSink#mayHaveBeenWritten}).
 *
 * <p>When the write to {@code gw.ingress} fails on a timeout, the produce request may have been written and its answer
 * lost (a partition between node and brokers that heals: docs/SMPP.md A.5); the adapter answers its sender with a
 * temporary error and the sender, as told, sends the message again. Without more, the first copy would then be
 * delivered too. So as the failure reaches the adapter, the message is recorded in the store with its ACCEPTED event
 * and a CANCELLED event is appended, status DELETED, detail {@value #DETAIL}. If it turns up in the pipeline later,
 * the router's own record of it changes nothing (a message is recorded once); if the router had recorded it already,
 * the appended event lands all the same. The egress finds it withdrawn: no submit, no report (its sender never had
 * the id). Operators see it, with its status, in the message API. Counted in
 * {@code gateway.ingress.withdrawn}; a withdrawal the store did not take is logged and counted in
 * {@code gateway.ingress.withdrawal.failed}, and the message may then be delivered twice, as before.
 *
 * <p>It narrows the window, not closes it: the withdrawal must be in the store before the egress looks the message up,
 * which holds unless the partition heals within the store's commit time. MO is not withdrawn: MO goes to its account
 * without the egress, and the SMSC that sent it resends it on our temporary error anyway (at least once).
 *
 * <p>Runs on the thread that failed the accept (the producer's I/O thread or the timeout thread): the store write is
 * only queued.
 */
final class IngressWithdrawal implements Consumer<Message> {

    /** The detail of the CANCELLED event that marks a withdrawn message. */
    static final String DETAIL = "withdrawn: ingress timed out, sender refused";

    private static final Logger log = LoggerFactory.getLogger(IngressWithdrawal.class);

    private final Store store;
    private final InstantSource clock;
    private final Counter withdrawn;
    private final Counter withdrawalFailed;

    IngressWithdrawal(Store store, MeterRegistry meters, InstantSource clock) {
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.withdrawn = meters.counter("gateway.ingress.withdrawn");
        this.withdrawalFailed = meters.counter("gateway.ingress.withdrawal.failed");
    }

    /** Withdraws {@code m} if it is MT; MO is left alone. */
    @Override
    public void accept(Message m) {
        if (m.direction() != Direction.MT) {
            return;
        }
        CompletionStage<Void> w;
        try {
            // two writes, not one record with both events: the router may have recorded the message already (it read
            // it from gw.ingress before the partition cut its answer off), and a record of a recorded message writes
            // nothing, the CANCELLED event included (KafkaPartitionIT delivered one withdrawn message that way)
            CompletionStage<Void> recorded = store.recordMessage(m,
                    new MessageEvent(m.receivedAt(), EventType.ACCEPTED, MessageStatus.ACCEPTED, "", ""));
            CompletionStage<Void> cancelled = store.appendEvent(m.id(),
                    new MessageEvent(clock.instant(), EventType.CANCELLED, MessageStatus.DELETED, "", DETAIL));
            w = recorded.thenCombine(cancelled, (a, b) -> null);
        } catch (RuntimeException e) {
            failed(m, e);
            return;
        }
        withdrawn.increment();
        w.whenComplete((v, e) -> {
            if (e != null) {
                failed(m, e);
            }
        });
    }

    private void failed(Message m, Throwable e) {
        withdrawalFailed.increment();
        log.warn("Could not withdraw {} (refused, may still be delivered): {}", m.id(), e.toString());
    }
}
