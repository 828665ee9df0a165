package io.mgw.core.spi;

import io.mgw.core.model.Address;
import io.mgw.core.model.DeliveryReport;
import io.mgw.core.model.Message;

/** Something to hand to a client account: a delivery report for one of its messages, or an MO message. */
public sealed interface ClientDelivery {

    String account();

    /**
     * A delivery report, with what a receipt shows of the original message.
     *
     * @param account     the account that sent the original message
     * @param report      the report
     * @param source      the original message's source
     * @param destination the original message's destination
     * @param textPreview the first characters of its text ("" for binary)
     */
    record Report(String account, DeliveryReport report, Address source, Address destination, String textPreview)
            implements ClientDelivery {}

    /** A mobile-originated message routed to this account. */
    record MobileOriginated(String account, Message message) implements ClientDelivery {}
}
