package io.mgw.smpp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.config.ConnectorConfig;
import io.mgw.core.segment.SegmentationMode;
import io.mgw.core.text.EncodingPreference;
import io.mgw.smpp.receipt.RemoteIdNormalizer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmppClientSettingsTest {

    private static SmppClientSettings read(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(Map.of("host", "smsc.example", "systemId", "gw"));
        m.putAll(extra);
        return SmppClientSettings.from(new ConnectorConfig("op1", "smpp", 0, 4, m));
    }

    @Test
    void defaults() {
        SmppClientSettings s = read(Map.of());
        assertThat(s.port()).isEqualTo(2775);
        assertThat(s.password()).isEmpty();
        assertThat(s.bindType()).isEqualTo(SmppClientSettings.BindMode.TRX);
        assertThat(s.bindsPerNode()).isEqualTo(1);
        assertThat(s.window()).isEqualTo(10);
        assertThat(s.enquireLinkInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.responseTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.interfaceVersion()).isEqualTo(0x34);
        assertThat(s.segmentation().encoding()).isEqualTo(EncodingPreference.GSM7_OR_UCS2);
        assertThat(s.segmentation().mode()).isEqualTo(SegmentationMode.UDH8);
        assertThat(s.segmentation().maxSegments()).isEqualTo(10);
        assertThat(s.segmentation().packGsm7()).isFalse();
        assertThat(s.remoteIdFormat()).isEqualTo(RemoteIdNormalizer.Format.AUTO);
        assertThat(s.receiptsAlways()).isTrue();
        assertThat(s.sendValidity()).isTrue();
        assertThat(s.sourceTon()).isEmpty();
        assertThat(s.reconnectBackoffMin()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.reconnectBackoffMax()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void readsEveryKey() {
        Map<String, String> m = new HashMap<>();
        m.put("port", "2776");
        m.put("password", "secret");
        m.put("systemType", "VMA");
        m.put("addressRange", "^49");
        m.put("bindType", "tx+rx");
        m.put("bindsPerNode", "4");
        m.put("window", "50");
        m.put("enquireLinkInterval", "20s");
        m.put("responseTimeout", "PT5S");
        m.put("bindTimeout", "750ms");
        m.put("interfaceVersion", "5.0");
        m.put("encoding", "latin1-or-ucs2");
        m.put("segmentation", "sar");
        m.put("packGsm7", "true");
        m.put("maxSegments", "6");
        m.put("remoteIdFormat", "hex-decimal");
        m.put("sourceTon", "5");
        m.put("sourceNpi", "0");
        m.put("destTon", "1");
        m.put("destNpi", "1");
        m.put("receipts", "when-asked");
        m.put("validity", "none");
        m.put("reconnectBackoffMin", "2s");
        m.put("reconnectBackoffMax", "2m");
        m.put("throttleRetryAfter", "250");
        m.put("circuitFailureRate", "75");
        m.put("circuitMinimumCalls", "50");
        m.put("circuitOpenDuration", "1m");
        m.put("receiptAckTimeout", "15s");
        m.put("closeTimeout", "0s");
        SmppClientSettings s = read(m);
        assertThat(s.port()).isEqualTo(2776);
        assertThat(s.password()).isEqualTo("secret");
        assertThat(s.bindType()).isEqualTo(SmppClientSettings.BindMode.TX_RX);
        assertThat(s.bindsPerNode()).isEqualTo(4);
        assertThat(s.window()).isEqualTo(50);
        assertThat(s.enquireLinkInterval()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.responseTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.bindTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(s.interfaceVersion()).isEqualTo(0x50);
        assertThat(s.segmentation().encoding()).isEqualTo(EncodingPreference.LATIN1_OR_UCS2);
        assertThat(s.segmentation().mode()).isEqualTo(SegmentationMode.SAR);
        assertThat(s.segmentation().packGsm7()).isTrue();
        assertThat(s.segmentation().maxSegments()).isEqualTo(6);
        assertThat(s.remoteIdFormat()).isEqualTo(RemoteIdNormalizer.Format.HEX_DECIMAL);
        assertThat(s.sourceTon()).hasValue(5);
        assertThat(s.destNpi()).hasValue(1);
        assertThat(s.receiptsAlways()).isFalse();
        assertThat(s.sendValidity()).isFalse();
        assertThat(s.reconnectBackoffMax()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.throttleRetryAfter()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.circuitFailureRate()).isEqualTo(75);
        assertThat(s.circuitOpenDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.closeTimeout()).isZero();
    }

    /** key, bad value, what the message must say. */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "window|0|connectors.op1.window: 0 (expected: 1..10000)",
        "window|ten|connectors.op1.window: 'ten' (expected: an integer)",
        "port|0|connectors.op1.port: 0 (expected: 1..65535)",
        "port|70000|connectors.op1.port: 70000 (expected: 1..65535)",
        "bindsPerNode|0|connectors.op1.bindsPerNode: 0",
        "maxSegments|256|connectors.op1.maxSegments: 256",
        "bindType|RX|connectors.op1.bindType: 'RX' (expected: TRX or TX+RX)",
        "interfaceVersion|4.0|connectors.op1.interfaceVersion: '4.0' (expected: 3.3, 3.4 or 5.0)",
        "encoding|UTF8|connectors.op1.encoding: 'UTF8' (expected: GSM7_OR_UCS2, LATIN1_OR_UCS2, UCS2)",
        "segmentation|UDH32|connectors.op1.segmentation: 'UDH32'",
        "packGsm7|maybe|connectors.op1.packGsm7: 'maybe' (expected: true or false)",
        "remoteIdFormat|octal|connectors.op1.remoteIdFormat: 'octal'",
        "responseTimeout|soon|connectors.op1.responseTimeout: 'soon' (expected: a duration",
        "responseTimeout|0ms|connectors.op1.responseTimeout: 0ms (expected: >= 10ms)",
        "enquireLinkInterval|-5s|connectors.op1.enquireLinkInterval: '-5s'",
        "sourceTon|7|connectors.op1.sourceTon: 7 (expected: 0..6)",
        "receipts|never|connectors.op1.receipts: 'never' (expected: always or when-asked)",
        "validity|forever|connectors.op1.validity: 'forever' (expected: message or none)",
        "circuitFailureRate|0|connectors.op1.circuitFailureRate: 0 (expected: 1..100)",
        "systemId|averyveryverylongsystemid|connectors.op1.systemId: 'averyveryverylongsystemid' (expected: at most 15",
        "password|123456789|connectors.op1.password: 9 characters (expected: at most 8)",
        "systemType|thirteenchars|connectors.op1.systemType: 'thirteenchars'",
        "windw|10|connectors.op1.windw: unknown setting",
        "egress|10|connectors.op1.egress: unknown setting",
        "egressinflight|10|connectors.op1.egressinflight: unknown setting",
    })
    void badValueNamesItsKey(String key, String value, String message) {
        assertThatThrownBy(() -> read(Map.of(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void tlsIsOffByDefaultAndOnWithTheJdksCasAndTheHostChecked() {
        assertThat(read(Map.of()).tls()).isEmpty();
        var t = read(Map.of("tls", "true")).tls().orElseThrow();
        assertThat(t.trustStore()).isEmpty();
        assertThat(t.keyStore()).isEmpty();
        assertThat(t.verifyHostname()).isTrue();
        assertThat(read(Map.of("tls", "true", "tlsVerifyHostname", "false")).tls().orElseThrow().verifyHostname())
                .isFalse();
    }

    @Test
    void tlsProtocolsAreAListOfKnownVersions() {
        assertThat(read(Map.of("tls", "true", "tlsProtocols", "TLSv1.2 , TLSv1.3")).tls().orElseThrow().protocols())
                .containsExactly("TLSv1.2", "TLSv1.3");
        assertThatThrownBy(() -> read(Map.of("tls", "true", "tlsProtocols", "TLSv1.1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connectors.op1.tlsProtocols: protocols: 'TLSv1.1' (expected: one of [TLSv1.3, TLSv1.2])");
    }

    @Test
    void tlsStoresWithoutTlsOnAreRefused() {
        assertThatThrownBy(() -> read(Map.of("tlsTrustStore", "/etc/mgw/smsc.p12")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connectors.op1.tlsTrustStore: set without tls: true (expected: tls: true too)");
    }

    @Test
    void aTrustStoreThatCannotBeReadFailsTheSettings() {
        assertThatThrownBy(() -> read(Map.of("tls", "true", "tlsTrustStore", "/nonexistent/smsc.p12")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connectors.op1: trustStore /nonexistent/smsc.p12: no such file");
    }

    @Test
    void toStringSaysTlsAndShowsNoPassword() {
        var s = read(Map.of("tls", "true", "password", "pw123"));
        assertThat(s.toString()).contains("TLS").doesNotContain("pw123");
    }

    @Test
    void egressKeysAreLeftToTheEgress() {
        SmppClientSettings s = read(Map.of("egress.inflight", "1000", "egress.anythingElse", "x", "window", "7"));
        assertThat(s.window()).isEqualTo(7);
    }

    @Test
    void missingHostIsNamed() {
        assertThatThrownBy(() -> SmppClientSettings.from(
                new ConnectorConfig("op1", "smpp", 0, 1, Map.of("systemId", "gw"))))
                .hasMessage("connectors.op1.host: missing (expected: a value)");
    }

    @Test
    void missingSystemIdIsNamed() {
        assertThatThrownBy(() -> SmppClientSettings.from(
                new ConnectorConfig("op1", "smpp", 0, 1, Map.of("host", "h"))))
                .hasMessage("connectors.op1.systemId: missing (expected: a value)");
    }

    @Test
    void backoffMaxBelowMinIsRefused() {
        assertThatThrownBy(() -> read(Map.of("reconnectBackoffMin", "10s", "reconnectBackoffMax", "1s")))
                .hasMessageContaining("connectors.op1.reconnectBackoffMax: PT1S (expected: >= reconnectBackoffMin");
    }

    @Test
    void toStringNeverShowsThePassword() {
        assertThat(read(Map.of("password", "s3cr3t")).toString()).doesNotContain("s3cr3t").contains("password=***");
    }

    @Test
    void connectorRefusesNegativeTps() {
        assertThatThrownBy(() -> new SmppClientConnector(
                new ConnectorConfig("op1", "smpp", -1, 1, Map.of("host", "h", "systemId", "gw")),
                TestMessages.context(new RecordingReceiptSink(), new RecordingIngressSink(),
                        new io.micrometer.core.instrument.simple.SimpleMeterRegistry())))
                .hasMessage("connectors.op1.tps: -1 (expected: >= 0)");
    }
}
