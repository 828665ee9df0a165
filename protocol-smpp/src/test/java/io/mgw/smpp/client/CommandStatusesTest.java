package io.mgw.smpp.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.mgw.smpp.client.CommandStatuses.Reaction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandStatusesTest {

    @ParameterizedTest(name = "0x{0} -> {1}")
    @CsvSource({
        "58, THROTTLED", "14, THROTTLED",
        "08, TEMPORARY", "04, TEMPORARY", "45, TEMPORARY", "64, TEMPORARY", "FF, TEMPORARY", "400, TEMPORARY",
        "0A, PERMANENT", "0B, PERMANENT", "01, PERMANENT", "48, PERMANENT", "51, PERMANENT", "62, PERMANENT",
        "65, PERMANENT", "C4, PERMANENT", "104, PERMANENT",
    })
    void classifies(String hex, Reaction reaction) {
        assertThat(CommandStatuses.classify(Integer.parseInt(hex, 16))).isEqualTo(reaction);
    }
}
