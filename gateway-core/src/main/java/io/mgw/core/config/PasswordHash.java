package io.mgw.core.config;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes as kept in config and store: {@code pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>} (PBKDF2 with
 * HMAC-SHA256, RFC 8018), from the JDK so no extra library is needed. Verification takes constant time in the hash.
 */
public final class PasswordHash {

    public static final int DEFAULT_ITERATIONS = 100_000;
    private static final String SCHEME = "pbkdf2-sha256";

    private PasswordHash() {}

    public static String hash(String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return SCHEME + "$" + DEFAULT_ITERATIONS + "$" + Base64.getEncoder().withoutPadding().encodeToString(salt)
                + "$" + Base64.getEncoder().withoutPadding().encodeToString(derive(password, salt, DEFAULT_ITERATIONS));
    }

    /** True if {@code password} matches {@code stored}; false for a malformed stored hash. */
    public static boolean verify(String password, String stored) {
        String[] p = stored.split("\\$");
        if (p.length != 4 || !p[0].equals(SCHEME)) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(p[1]);
            byte[] salt = Base64.getDecoder().decode(p[2]);
            byte[] expected = Base64.getDecoder().decode(p[3]);
            return MessageDigest.isEqual(expected, derive(password, salt, iterations));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static boolean isHash(String s) {
        return s.startsWith(SCHEME + "$");
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        try {
            var spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        }
    }

    /** Prints a hash for the password given as the first argument (used by {@code ./gateway hash-password}). */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: hash-password <password>");
            System.exit(2);
        }
        System.out.println(hash(args[0]));
    }
}
