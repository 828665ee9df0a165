package io.mgw.smpp.server;

import io.mgw.core.config.AccountConfig;
import io.mgw.core.model.MessageId;
import java.math.BigInteger;
import java.util.Optional;

/**
 * Our message ids as an account sees them in submit_sm_resp, receipts and query_sm: 32 lower-case hex digits by
 * default, the unsigned decimal form when the account's idFormat is "decimal".
 */
final class MessageIds {

    private MessageIds() {}

    static String render(MessageId id, AccountConfig account) {
        return isDecimal(account) ? id.toDecimal() : id.toString();
    }

    /** Parses an id in the account's format; empty if it is not one. */
    static Optional<MessageId> parse(String text, AccountConfig account) {
        String s = text.strip();
        if (!isDecimal(account)) {
            return s.length() == 32 ? MessageId.tryParse(s) : Optional.empty();
        }
        if (s.isEmpty() || s.length() > 39 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        BigInteger v = new BigInteger(s);
        if (v.bitLength() > 128) {
            return Optional.empty();
        }
        return Optional.of(new MessageId(v.shiftRight(64).longValue(), v.longValue()));
    }

    private static boolean isDecimal(AccountConfig account) {
        return "decimal".equalsIgnoreCase(account.idFormat());
    }
}
