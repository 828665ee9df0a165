package io.mgw.bench.smpp;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.OptionalParameter;

/**
 * Reads the message id and final state out of a delivery receipt {@code deliver_sm}.
 *
 * <p>The id comes from the receipted_message_id TLV (SMPP 3.4 §5.3.2.12) when present, otherwise from the
 * {@code id:} field of the receipt text (SMPP 3.4 Appendix B, "id:IIIIIIIIII sub:SSS dlvrd:DDD submit
 * date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text: ..."). The state comes from {@code stat:}.
 */
public final class ReceiptParser {

  private ReceiptParser() {}

  /**
   * What a receipt says.
   *
   * @param messageId the id of the message the receipt is about
   * @param stat the final state ("DELIVRD", "UNDELIV", ...) or null when the text has none
   */
  public record Receipt(String messageId, String stat) {
    /** Requires the id. */
    public Receipt {
      requireNonNull(messageId, "messageId");
    }
  }

  /**
   * Parses a deliver_sm; empty when it is not a receipt (esm_class message type is not SMSC delivery
   * receipt) or carries no id.
   */
  public static Optional<Receipt> parse(DeliverSm deliverSm) {
    requireNonNull(deliverSm, "deliverSm");
    OptionalParameter tlv = deliverSm.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID);
    return parse(deliverSm.isSmscDeliveryReceipt(), deliverSm.getShortMessage(),
        tlv instanceof OptionalParameter.OctetString octets ? octets.getValue() : null);
  }

  /**
   * As {@link #parse(DeliverSm)}, from a deliver_sm's parts.
   *
   * @param receipt whether its esm_class says SMSC delivery receipt
   * @param shortMessage its text (null as empty)
   * @param receiptedId the receipted_message_id TLV's value, or null
   */
  public static Optional<Receipt> parse(boolean receipt, byte[] shortMessage, byte[] receiptedId) {
    if (!receipt) {
      return Optional.empty();
    }
    String text = shortMessage == null ? "" : new String(shortMessage, StandardCharsets.ISO_8859_1);
    String stat = field(text, "stat:");
    if (receiptedId != null) {
      String id = cString(receiptedId);
      if (!id.isBlank()) {
        return Optional.of(new Receipt(id.trim(), stat));
      }
    }
    String id = field(text, "id:");
    return id == null || id.isEmpty() ? Optional.empty() : Optional.of(new Receipt(id, stat));
  }

  /**
   * The value of {@code name} (like {@code "id:"}) in a receipt text: the characters after it up to the
   * next space; null when the name does not occur at the start of the text or after a space.
   */
  static String field(String text, String name) {
    int from = 0;
    while (true) {
      int at = text.indexOf(name, from);
      if (at < 0) {
        return null;
      }
      if (at == 0 || text.charAt(at - 1) == ' ') {
        int start = at + name.length();
        int end = text.indexOf(' ', start);
        return text.substring(start, end < 0 ? text.length() : end);
      }
      from = at + 1;
    }
  }

  private static String cString(byte[] value) {
    if (value == null) {
      return "";
    }
    int len = 0;
    while (len < value.length && value[len] != 0) {
      len++;
    }
    return new String(value, 0, len, StandardCharsets.US_ASCII);
  }
}
