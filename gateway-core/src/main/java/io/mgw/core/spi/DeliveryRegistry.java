package io.mgw.core.spi;

/**
 * Where client-side adapters say which accounts they can deliver to on this node. While an account has at least one
 * target registered here, the node consumes its {@code gw.deliver.<account>} topic and hands reports and MO to the
 * targets; when the last one goes, consumption stops and messages wait in Kafka (ARCHITECTURE.md §5).
 */
public interface DeliveryRegistry {

    /** Registers a target; closing the returned handle unregisters it. */
    Registration register(String account, ClientDeliveryTarget target);

    /** A registration, closed when the bind or callback goes away. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
