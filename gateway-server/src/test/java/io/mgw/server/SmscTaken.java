package io.mgw.server;

import io.mgw.core.text.Gsm7;
import io.mgw.testkit.smsc.ReceivedSubmit;
import io.mgw.testkit.smsc.SmscSimulator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the SMSC simulator took (answered with an id, whether or not the answer reached the node), counted per text:
 * the fault tests' check that nothing was sent twice (their texts are unique). The simulator must keep its submits
 * ({@code withRecordLimit}).
 *
 * @param byText submits taken, per message text
 */
record SmscTaken(Map<String, Integer> byText) {

    static SmscTaken of(SmscSimulator smsc) {
        Map<String, Integer> byText = new HashMap<>();
        for (ReceivedSubmit s : smsc.receivedSubmits()) {
            if (!s.messageId().isEmpty()) {
                byText.merge(Gsm7.decode(s.shortMessage()), 1, Integer::sum);
            }
        }
        return new SmscTaken(Map.copyOf(byText));
    }

    /** Texts taken more than once. */
    List<String> twice() {
        return byText.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    }

    /** Messages taken. */
    int size() {
        return byText.size();
    }
}
