package io.mgw.smpp.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Matches a client address against an account's allowlist: exact addresses ("10.0.0.7", "::1") or CIDR blocks
 * ("10.0.0.0/8", "2001:db8::/32"). An empty list allows everyone. Rules are IP literals only: a host name never
 * matches (no DNS look-up on the bind path).
 */
final class IpAllowList {

    private IpAllowList() {}

    static boolean allows(List<String> rules, InetAddress client) {
        if (rules.isEmpty()) {
            return true;
        }
        byte[] c = client.getAddress();
        for (String rule : rules) {
            if (matches(rule.strip(), c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String rule, byte[] client) {
        int slash = rule.indexOf('/');
        String addr = slash < 0 ? rule : rule.substring(0, slash);
        if (addr.isEmpty() || !addr.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == '.' || ch == ':')) {
            return false;
        }
        byte[] net;
        try {
            net = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            return false;
        }
        if (net.length != client.length) {
            return false;
        }
        int bits = net.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(rule.substring(slash + 1));
            } catch (NumberFormatException e) {
                return false;
            }
            if (bits < 0 || bits > net.length * 8) {
                return false;
            }
        }
        for (int i = 0; i < net.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
            if ((net[i] & mask) != (client[i] & mask)) {
                return false;
            }
        }
        return true;
    }
}
