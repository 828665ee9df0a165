package io.mgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mgw.testkit.net.FaultProxy;
import io.mgw.testkit.smsc.SmscSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on the link between a node and the ESME that receives its receipts (RELIABILITY.md B.4 item 6: deliveries
 * the ESME has not acknowledged go to it again when its session is lost). The receiver reaches the node through a
 * {@link FaultProxy} and binds again whenever its session ends; while receipts flow, the proxy resets its connection
 * three times, then holds it past the node's 10 s deliver_sm response timeout. The oracle: every submit answered
 * ESME_ROK gets its receipt at the receiver, and Kafka drains; receipts delivered twice are counted.
 */
class EsmeLinkFaultsIT {

    @TempDir
    Path tmp;

    @AutoClose
    final Closer closer = new Closer();

    @Test
    void receiptsInFlightWhenTheReceiverLinkIsResetOrHeldReachItAfterItsRebind() throws Exception {
        SmscSimulator smsc = closer.add(new SmscSimulator(SmscSimulator.Settings.defaults()
                .withReceiptDelay(Duration.ofMillis(100)).withRecordLimit(0)).start());
        GatewayNode node = new GatewayNode(NodeFixture.withSmsc(tmp.resolve("data"), smsc.port(),
                ""), Optional.empty());
        node.start();
        closer.add(node::close);
        FaultProxy proxy = closer.add(new FaultProxy("127.0.0.1", node.smppPort()).start());

        Esmes esmes = closer.add(new Esmes());
        esmes.rebindingReceiver(proxy.port());
        await().atMost(Duration.ofSeconds(30)).until(() -> esmes.receiverBinds.get() >= 1);
        Esmes.Outcomes tx = esmes.transmitter(node.smppPort(), 4, 10_000, "esme link ");

        for (int i = 0; i < 3; i++) {
            awaitMoreReceipts(esmes, 300);
            int binds = esmes.receiverBinds.get();
            proxy.resetAll();
            await().atMost(Duration.ofSeconds(60)).until(() -> esmes.receiverBinds.get() > binds);
        }
        awaitMoreReceipts(esmes, 300);
        // held past the node's deliver_sm response timeout: what it sent meanwhile counts as not delivered and is
        // sent again; the receiver's link comes back late, and its session may not survive the hold
        proxy.pause();
        double retriedBefore = retried(node);
        await().atMost(Duration.ofSeconds(60)).until(() -> retried(node) > retriedBefore);
        proxy.resume();
        awaitMoreReceipts(esmes, 300);
        esmes.stopSubmitting();

        Set<String> acknowledged = Set.copyOf(tx.ok);
        Set<String> lost = esmes.awaitReceipts(acknowledged, Duration.ofSeconds(180));
        Esmes.printLost(lost, node.store());
        System.out.printf("ESME link faults: ok=%d failed=%d unanswered=%d receipts=%d (distinct %d) receiver binds=%d"
                + " deliveries retried=%.0f resets=%d%n", acknowledged.size(), tx.refused.size(), tx.unanswered.get(),
                esmes.receipts.get(), esmes.receipted.size(), esmes.receiverBinds.get(), retried(node),
                proxy.resets());
        assertThat(lost).as("acknowledged but never receipted (%d of %d)", lost.size(), acknowledged.size())
                .isEmpty();
        assertThat(proxy.resets()).as("the faults happened").isGreaterThanOrEqualTo(3);
        assertThat(KafkaLag.awaitDrained(node.kafkaBootstrap(), Duration.ofSeconds(60)))
                .as("records no consumer group committed, after the faults").isEmpty();
    }

    private static void awaitMoreReceipts(Esmes esmes, int more) {
        int now = esmes.receipts.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> esmes.receipts.get() >= now + more);
    }

    /** Deliveries to the account's binds that were not acknowledged and go again. */
    private static double retried(GatewayNode node) {
        var c = node.meters().find("gateway.delivery.client.retried").counter();
        return c == null ? 0 : c.count();
    }
}
