package io.mgw.smpp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class DeferringPduSenderTest {

    private final DeferringPduSender sender = new DeferringPduSender();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** command_id, command_status, sequence_number of the one PDU written. */
    private int[] header() {
        ByteBuffer b = ByteBuffer.wrap(out.toByteArray());
        assertThat(b.getInt()).isEqualTo(out.size());
        return new int[] {b.getInt(), b.getInt(), b.getInt()};
    }

    @Test
    void responseWaitsForTheStatusWhenJsmppAsksFirst() throws Exception {
        sender.deferDeliverSm(7);

        sender.sendDeliverSmResp(out, 0, 7, null);
        assertThat(out.size()).isZero();
        sender.complete(7, 0x64);

        assertThat(header()).containsExactly(0x80000005, 0x64, 7);
        assertThat(sender.pending()).isZero();
    }

    @Test
    void statusGivenFirstIsUsedWhenJsmppAsks() throws Exception {
        sender.deferDeliverSm(8);
        sender.complete(8, 0);

        sender.sendDeliverSmResp(out, 0x08, 8, null);

        assertThat(header()).containsExactly(0x80000005, 0, 8);
        assertThat(sender.pending()).isZero();
    }

    @Test
    void notDeferredResponsesPassStraightThrough() throws Exception {
        sender.sendDeliverSmResp(out, 0, 9, null);

        assertThat(header()).containsExactly(0x80000005, 0, 9);
    }

    @Test
    void dataSmFailureIsAHeaderOnlyResponse() throws Exception {
        sender.deferDataSm(10);
        sender.sendDataSmResp(out, 0, 10, "");
        sender.complete(10, 0x64);

        assertThat(out.size()).isEqualTo(16);
        assertThat(header()).containsExactly(0x80000103, 0x64, 10);
    }

    @Test
    void dataSmSuccessCarriesAnEmptyMessageId() throws Exception {
        sender.deferDataSm(11);
        sender.complete(11, 0);
        sender.sendDataSmResp(out, 0, 11, "");

        assertThat(out.size()).isEqualTo(17);
        assertThat(header()).containsExactly(0x80000103, 0, 11);
    }

    @Test
    void completingAnUnknownSequenceWritesNothing() {
        sender.complete(12, 0);

        assertThat(out.size()).isZero();
        assertThat(sender.pending()).isZero();
    }
}
