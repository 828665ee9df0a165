package io.mgw.smpp.client;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mgw.core.config.Accounts;
import io.mgw.core.model.Address;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageIdGenerator;
import io.mgw.core.model.Origin;
import io.mgw.core.model.ReportRequest;
import io.mgw.core.spi.AdapterContext;
import java.time.Clock;

/** Shared fixtures for the connector tests. */
final class TestMessages {

    static final MessageIdGenerator IDS = new MessageIdGenerator(1, 1, Clock.systemUTC());

    private TestMessages() {}

    static Message text(String text) {
        return Message.builder()
                .id(IDS.next())
                .origin(new Origin("smpp", "acct", "node-1", ""))
                .source(Address.msisdn("4915100000001"))
                .destination(Address.msisdn("4917600000002"))
                .text(text)
                .reportRequest(ReportRequest.FINAL)
                .build();
    }

    /** An adapter context with recording sinks; the store and delivery registry are not used by the connector. */
    static AdapterContext context(RecordingReceiptSink receipts, RecordingIngressSink ingress,
            SimpleMeterRegistry meters) {
        return new AdapterContext("node-1", IDS, ingress, receipts, null, null, () -> (Accounts) null, meters,
                Clock.systemUTC());
    }
}
