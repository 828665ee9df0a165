package io.mgw.core.spi;

import io.micrometer.core.instrument.MeterRegistry;
import io.mgw.core.config.Accounts;
import io.mgw.core.model.MessageIdGenerator;
import io.mgw.core.store.Store;
import java.time.InstantSource;
import java.util.function.Supplier;

/**
 * What the node gives every protocol adapter: its identity, id generation, the queues, the store, accounts, metrics
 * and the clock. Adapters use nothing else of the node, which keeps them free of Kafka, Camel and JDBC.
 *
 * @param nodeId     this node's name
 * @param ids        id generator for accepted messages
 * @param ingress    the durable ingress queue
 * @param receipts   where connectors send receipts
 * @param deliveries where client adapters register receivers
 * @param store      message state
 * @param accounts   the current accounts (re-read on each call: reloaded from config without restart)
 * @param meters     metrics
 * @param clock      time
 */
public record AdapterContext(
        String nodeId,
        MessageIdGenerator ids,
        IngressSink ingress,
        ReceiptSink receipts,
        DeliveryRegistry deliveries,
        Store store,
        Supplier<Accounts> accounts,
        MeterRegistry meters,
        InstantSource clock) {}
