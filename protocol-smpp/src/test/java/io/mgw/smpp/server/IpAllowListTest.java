package io.mgw.smpp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpAllowListTest {

    private static boolean allows(List<String> rules, String ip) throws Exception {
        return IpAllowList.allows(rules, InetAddress.getByName(ip));
    }

    @Test
    void emptyAllowsAll() throws Exception {
        assertThat(allows(List.of(), "203.0.113.9")).isTrue();
    }

    @Test
    void exactAddress() throws Exception {
        assertThat(allows(List.of("127.0.0.1"), "127.0.0.1")).isTrue();
        assertThat(allows(List.of("127.0.0.1"), "127.0.0.2")).isFalse();
    }

    @Test
    void cidrBlocks() throws Exception {
        assertThat(allows(List.of("10.0.0.0/8"), "10.200.3.4")).isTrue();
        assertThat(allows(List.of("10.0.0.0/8"), "11.0.0.1")).isFalse();
        assertThat(allows(List.of("192.168.1.128/25"), "192.168.1.200")).isTrue();
        assertThat(allows(List.of("192.168.1.128/25"), "192.168.1.100")).isFalse();
        assertThat(allows(List.of("0.0.0.0/0"), "8.8.8.8")).isTrue();
    }

    @Test
    void ipv6() throws Exception {
        assertThat(allows(List.of("2001:db8::/32"), "2001:db8:1::5")).isTrue();
        assertThat(allows(List.of("2001:db8::/32"), "127.0.0.1")).isFalse();
    }

    @Test
    void hostNamesAndGarbageNeverMatch() throws Exception {
        assertThat(allows(List.of("localhost", "10.0.0.0/99", "x/8"), "127.0.0.1")).isFalse();
    }
}
