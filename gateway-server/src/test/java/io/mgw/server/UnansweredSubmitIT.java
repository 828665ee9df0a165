package io.mgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mgw.core.model.EventType;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.store.MessageRecord;
import io.mgw.testkit.smsc.SmscSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submits the SMSC took but whose submit_sm_resp never reached the node (lost on the way): the connector's response
 * timer fires and the message is recorded SUBMIT_UNKNOWN, never sent again. The SMSC's receipt then names an id the
 * node never learned. The node matches it to the message by handset and quoted text once it has been parked for the
 * connector's {@code egress.matchUnansweredAfter} (3 s here), and the ESME gets its receipt: every submit the node
 * acknowledged is receipted, the lost responses included.
 */
class UnansweredSubmitIT {

    private static final int LOST = 3;

    @TempDir
    Path tmp;

    @AutoClose
    final Closer closer = new Closer();

    @Test
    void receiptsOfSubmitsWhoseResponseWasLostReachTheSender() throws Exception {
        SmscSimulator smsc = closer.add(new SmscSimulator(SmscSimulator.Settings.defaults()
                .withReceiptDelay(Duration.ofMillis(100))).start());
        smsc.loseResponses(LOST);
        GatewayNode node = new GatewayNode(NodeFixture.withSmsc(tmp.resolve("data"), smsc.port(),
                ", responseTimeout: 1s, egress.matchUnansweredAfter: \"3\""), Optional.empty());
        node.start();
        closer.add(node::close);

        Esmes esmes = closer.add(new Esmes());
        esmes.receiver(node.smppPort());
        Esmes.Outcomes tx = esmes.transmitter(node.smppPort(), 1, 10_000, "unanswered ");
        await().atMost(Duration.ofSeconds(60)).until(() -> tx.ok.size() >= 30);
        esmes.stopSubmitting();
        Set<String> acknowledged = Set.copyOf(tx.ok);

        Set<String> lost = esmes.awaitReceipts(acknowledged, Duration.ofSeconds(60));
        Esmes.printLost(lost, node.store());

        assertThat(lost).as("acknowledged but never receipted (%d of %d)", lost.size(), acknowledged.size())
                .isEmpty();
        assertThat(counter(node, "gateway.egress.unknown", "sim")).isEqualTo(LOST);
        assertThat(counter(node, "gateway.receipt.orphan.matched", null)).isEqualTo(LOST);
        // the matched ones: gone out once, no answer, the id learned from the receipt, delivered
        List<MessageRecord> matched = acknowledged.stream().map(id -> node.store().find(MessageId.parse(id)))
                .flatMap(Optional::stream)
                .filter(r -> r.history().stream().anyMatch(e -> e.type() == EventType.SUBMIT_UNKNOWN))
                .toList();
        assertThat(matched).hasSize(LOST).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(MessageStatus.DELIVERED);
            assertThat(r.history()).extracting(MessageEvent::type)
                    .containsSubsequence(EventType.SUBMIT_UNKNOWN, EventType.SUBMITTED, EventType.REPORT);
            assertThat(r.history()).filteredOn(e -> e.type() == EventType.SUBMITTED).singleElement()
                    .satisfies(e -> assertThat(e.detail()).contains("learned from its receipt"));
        });
        assertThat(smsc.submitCount()).as("nothing sent twice").isEqualTo(acknowledged.size());
    }

    private static double counter(GatewayNode node, String name, String connector) {
        var search = node.meters().find(name);
        var c = (connector == null ? search : search.tag("connector", connector)).counter();
        return c == null ? 0 : c.count();
    }
}
