package io.mgw.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionSlotsTest {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void anAddressGetsAtMostItsShareAndOthersAreNotHeldBack() throws Exception {
        var slots = new ConnectionSlots(10, 2);
        InetAddress a = ip("10.0.0.1");
        InetAddress b = ip("10.0.0.2");
        assertThat(slots.acquire(a)).isNull();
        assertThat(slots.acquire(a)).isNull();
        assertThat(slots.acquire(a)).isEqualTo(ConnectionSlots.Refusal.MAX_PER_ADDRESS);
        assertThat(slots.acquire(b)).isNull();
        assertThat(slots.open()).isEqualTo(3);
        assertThat(slots.open(a)).isEqualTo(2);
        slots.release(a);
        assertThat(slots.acquire(a)).isNull();
        assertThat(slots.open(a)).isEqualTo(2);
    }

    @Test
    void theNodeCapHoldsOverAllAddressesAndARefusalTakesNothing() throws Exception {
        var slots = new ConnectionSlots(3, 2);
        assertThat(slots.acquire(ip("10.0.0.1"))).isNull();
        assertThat(slots.acquire(ip("10.0.0.2"))).isNull();
        assertThat(slots.acquire(ip("10.0.0.3"))).isNull();
        assertThat(slots.acquire(ip("10.0.0.4"))).isEqualTo(ConnectionSlots.Refusal.MAX_CONNECTIONS);
        // the refused address holds no slot: the map keeps only the three that do
        assertThat(slots.open(ip("10.0.0.4"))).isZero();
        assertThat(slots.addresses()).isEqualTo(3);
        assertThat(slots.open()).isEqualTo(3);
    }

    @Test
    void anAddressWithNoConnectionLeftIsForgotten() throws Exception {
        var slots = new ConnectionSlots(1000, 100);
        for (int i = 0; i < 50; i++) {
            InetAddress a = ip("10.0.1." + i);
            assertThat(slots.acquire(a)).isNull();
            slots.release(a);
        }
        assertThat(slots.addresses()).isZero();
        assertThat(slots.open()).isZero();
    }

    @Test
    void manyThreadsTakingAndGivingBackNeverPassTheCapsAndEndAtZero() throws Exception {
        var slots = new ConnectionSlots(20, 5);
        List<InetAddress> addresses = List.of(ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.0.4"),
                ip("10.0.0.5"), ip("10.0.0.6"));
        AtomicInteger overCap = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            InetAddress mine = addresses.get(t % addresses.size());
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 20_000; i++) {
                    if (slots.acquire(mine) == null) {
                        if (slots.open() > 20 || slots.open(mine) > 5) {
                            overCap.incrementAndGet();
                        }
                        slots.release(mine);
                    }
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(overCap).hasValue(0);
        assertThat(slots.open()).isZero();
        assertThat(slots.addresses()).isZero();
    }

    @Test
    void capsBelowOneAreRefused() {
        assertThatThrownBy(() -> new ConnectionSlots(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConnectionSlots(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
