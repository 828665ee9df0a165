package io.mgw.smpp.server;

import io.mgw.core.spi.ClientDeliveryTarget;
import io.mgw.core.spi.DeliveryRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A delivery registry double: keeps the registered targets so a test can drive deliveries through them. */
final class TestDeliveries implements DeliveryRegistry {

    record Entry(String account, ClientDeliveryTarget target, boolean[] closed) {
        boolean isClosed() {
            return closed[0];
        }
    }

    final CopyOnWriteArrayList<Entry> entries = new CopyOnWriteArrayList<>();

    @Override
    public Registration register(String account, ClientDeliveryTarget target) {
        Entry e = new Entry(account, target, new boolean[1]);
        entries.add(e);
        return () -> e.closed()[0] = true;
    }

    List<Entry> open(String account) {
        return entries.stream().filter(e -> e.account().equals(account) && !e.isClosed()).toList();
    }
}
