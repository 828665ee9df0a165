package io.mgw.smpp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mgw.core.model.ReportRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubmitMapperTest {

    @ParameterizedTest(name = "registered_delivery {0} -> {1}")
    @CsvSource({
        "0x00, NONE",
        "0x01, FINAL",
        "0x02, FAILURE",
        "0x03, SUCCESS",
        "0x11, INTERMEDIATE",
        // intermediate notifications cannot be combined with these: the final-report choice wins
        "0x10, NONE",
        "0x12, FAILURE",
        "0x13, SUCCESS",
        // SME acknowledgement bits (3-2) do not change the report request
        "0x0D, FINAL",
    })
    void registeredDeliveryMapsToTheReportRequest(String registeredDelivery, ReportRequest expected) {
        assertThat(SubmitMapper.reportRequest(Integer.decode(registeredDelivery))).isEqualTo(expected);
    }
}
