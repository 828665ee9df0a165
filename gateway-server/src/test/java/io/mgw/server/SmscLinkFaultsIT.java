package io.mgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.testkit.net.FaultProxy;
import io.mgw.testkit.smsc.SmscSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on the link between a node and its SMSC, under traffic (RELIABILITY.md B.7 item 2: "fake-SMSC RST
 * mid-window", "fake-SMSC stall", "partition gateway-SMSC"). The connector reaches the simulator through a
 * {@link FaultProxy}; while ESMEs submit, the proxy resets every connection (twice), then holds all traffic for longer
 * than the connector's response timeout and lets it through late, then resets again.
 *
 * <p>Oracles, after the faults stop and the node is quiet:
 * <ul>
 *   <li>every submit answered ESME_ROK ended: its receipt reached the ESME, or its store status is UNKNOWN (sent, no
 *       answer: never resubmitted) and the SMSC never took it. None is left ACCEPTED, ROUTED or SUBMITTED without a
 *       receipt, and every message the SMSC took got its receipt, also when its submit_sm_resp was lost in a reset
 *       or the hold (its receipt matched by handset and text, {@code egress.matchUnansweredAfter} 3 s here);
 *   <li>the SMSC took each message at most once: a submit whose outcome we do not know is not sent again;
 * </ul>
 */
class SmscLinkFaultsIT {

    private static final int SUBMITTERS = 4;

    @TempDir
    Path tmp;

    @AutoClose
    final Closer closer = new Closer();

    @Test
    void resetsAndAStallOnTheSmscLinkLoseNothingAndSendNothingTwice() throws Exception {
        SmscSimulator smsc = new SmscSimulator(SmscSimulator.Settings.defaults()
                .withReceiptDelay(Duration.ofMillis(100)).withRecordLimit(200_000)).start();
        closer.add(smsc);
        FaultProxy proxy = new FaultProxy("127.0.0.1", smsc.port()).start();
        closer.add(proxy);
        GatewayNode node = new GatewayNode(NodeFixture.withSmsc(tmp.resolve("data"), proxy.port(),
                ", responseTimeout: 2s, enquireLinkInterval: 1s, bindTimeout: 2s, egress.matchUnansweredAfter: \"3\","
                        + " reconnectBackoffMin: 100ms, reconnectBackoffMax: 1s, circuitOpenDuration: 1s"),
                Optional.empty());
        node.start();
        closer.add(node::close);

        Esmes esmes = closer.add(new Esmes());
        esmes.receiver(node.smppPort());
        Esmes.Outcomes tx = esmes.transmitter(node.smppPort(), SUBMITTERS, 10_000, "link fault ");
        Set<String> receipted = esmes.receipted;

        awaitSubmitted(smsc, 300);
        proxy.resetAll();
        awaitSubmitted(smsc, 300);
        proxy.resetAll();
        awaitSubmitted(smsc, 300);
        // held until the connector gave up on what was in flight (its 2 s response timeout): that arrives late
        proxy.pause();
        long before = smsc.submitCount();
        double givenUpBefore = givenUp(node);
        await().atMost(Duration.ofSeconds(30)).until(() -> givenUp(node) > givenUpBefore);
        // nothing new reaches the SMSC while the link is held: only what the proxy had relayed before the hold, at
        // most the connector's two windows of 20
        assertThat(smsc.submitCount()).as("submits that reached the SMSC while the link was held")
                .isLessThanOrEqualTo(before + 2 * 20);
        proxy.resume();
        awaitSubmitted(smsc, 300);
        proxy.resetAll();
        awaitSubmitted(smsc, 300);
        esmes.stopSubmitting();

        // quiet: every acknowledged message has a receipt, or is settled UNKNOWN (sent, no answer: not sent again)
        // and the SMSC never took it; so every message whose submit_sm_resp came back got its receipt, and so did
        // every message the SMSC took whose response was lost
        Set<String> acknowledged = Set.copyOf(tx.ok);
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> unsettled(node, acknowledged, receipted, SmscTaken.of(smsc)).isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // fall through to the assertions, which say what is left
        }
        List<String> open = unsettled(node, acknowledged, receipted, SmscTaken.of(smsc));
        open.stream().limit(5).forEach(id -> System.out.println("unsettled " + id + ": " + node.store()
                .find(MessageId.parse(id)).map(r -> r.status() + " " + r.history()).orElse("not in the store")));
        long unknown = acknowledged.stream().filter(id -> !receipted.contains(id)).count() - open.size();

        SmscTaken taken = SmscTaken.of(smsc);
        List<String> twice = taken.twice();
        var matched = node.meters().find("gateway.receipt.orphan.matched").counter();
        System.out.printf("SMSC link faults: ok=%d failed=%d unanswered=%d receipts=%d (distinct %d) unknown=%d "
                + "(matched by handset and text %.0f) taken by the SMSC=%d resets=%d connections=%d%n",
                acknowledged.size(), tx.refused.size(), tx.unanswered.get(), esmes.receipts.get(), receipted.size(),
                unknown, matched == null ? 0 : matched.count(), taken.size(), proxy.resets(), proxy.accepted());
        assertThat(open).as("acknowledged, neither receipted nor settled UNKNOWN and never taken by the SMSC")
                .isEmpty();
        assertThat(twice).as("messages the SMSC took more than once").isEmpty();
        assertThat(proxy.resets()).as("the faults happened").isGreaterThanOrEqualTo(3);
        assertThat(KafkaLag.awaitDrained(node.kafkaBootstrap(), Duration.ofSeconds(60)))
                .as("records no consumer group committed, after the faults").isEmpty();
    }

    /**
     * Acknowledged ids that have no receipt yet and are not settled UNKNOWN in the store with a text the SMSC never
     * took (the texts are unique and short enough to be kept whole as the record's preview).
     */
    private static List<String> unsettled(GatewayNode node, Set<String> ids, Set<String> receipted,
            SmscTaken taken) {
        List<String> open = new ArrayList<>();
        for (String id : ids) {
            if (receipted.contains(id)) {
                continue;
            }
            var rec = node.store().find(MessageId.parse(id));
            if (rec.isEmpty() || rec.get().status() != MessageStatus.UNKNOWN
                    || taken.byText().containsKey(rec.get().textPreview())) {
                open.add(id);
            }
        }
        return open;
    }

    /** Submits the egress stopped waiting for: unknown outcomes, and temporary failures it will try again. */
    private static double givenUp(GatewayNode node) {
        double n = 0;
        for (String name : List.of("gateway.egress.unknown", "gateway.egress.retried")) {
            var c = node.meters().find(name).tag("connector", "sim").counter();
            n += c == null ? 0 : c.count();
        }
        return n;
    }

    private static void awaitSubmitted(SmscSimulator smsc, int more) {
        long now = smsc.submitCount();
        await().atMost(Duration.ofSeconds(60)).until(() -> smsc.submitCount() >= now + more);
    }
}
