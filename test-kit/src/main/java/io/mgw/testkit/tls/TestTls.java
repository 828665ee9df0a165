package io.mgw.testkit.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Key and trust stores for TLS tests, made by the running JDK's {@code keytool} (no test CA library): a server
 * certificate for 127.0.0.1 and localhost, a client certificate, and a trust store for each side holding only the
 * other side's certificate. Every store is PKCS#12 with the password {@link #PASSWORD}.
 *
 * @param serverKeyStore  the server's certificate (SAN ip:127.0.0.1, dns:localhost) and key
 * @param clientKeyStore  a client certificate (CN=esme) and key
 * @param trustsServer    a trust store holding only the server's certificate (for clients)
 * @param trustsClient    a trust store holding only the client's certificate (for servers asking for one)
 */
public record TestTls(Path serverKeyStore, Path clientKeyStore, Path trustsServer, Path trustsClient) {

    /** The password of every store and key. */
    public static final String PASSWORD = "changeit";

    /** Makes the four stores in {@code dir} (about a second or two of keytool runs). */
    public static TestTls create(Path dir) throws IOException, InterruptedException {
        Path server = keyPair(dir, "server", "CN=127.0.0.1", "SAN=ip:127.0.0.1,dns:localhost");
        Path client = keyPair(dir, "client", "CN=esme", null);
        return new TestTls(server, client, trustStoreOf(dir, server, "server"), trustStoreOf(dir, client, "client"));
    }

    /**
     * A self-signed EC key pair in {@code dir/<name>.p12} under the alias {@code name}.
     *
     * @param san the subjectAltName extension as keytool takes it ("SAN=ip:127.0.0.1"), or null for none
     */
    public static Path keyPair(Path dir, String name, String dname, String san)
            throws IOException, InterruptedException {
        Path file = dir.resolve(name + ".p12");
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", dname, "-validity", "2", "-storetype", "PKCS12", "-keystore",
                file.toString(), "-storepass", PASSWORD));
        if (san != null) {
            args.add("-ext");
            args.add(san);
        }
        keytool(args);
        return file;
    }

    /** A trust store {@code dir/trusts-<name>.p12} holding the certificate of {@code keyStore}'s {@code alias}. */
    public static Path trustStoreOf(Path dir, Path keyStore, String alias) throws IOException, InterruptedException {
        Path cert = dir.resolve(alias + ".crt");
        keytool(List.of("-exportcert", "-alias", alias, "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-rfc", "-file", cert.toString()));
        Path trust = dir.resolve("trusts-" + alias + ".p12");
        keytool(List.of("-importcert", "-noprompt", "-alias", alias, "-file", cert.toString(), "-storetype",
                "PKCS12", "-keystore", trust.toString(), "-storepass", PASSWORD));
        return trust;
    }

    private static void keytool(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("keytool did not finish: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new IOException("keytool " + args.get(0) + " failed (" + p.exitValue() + "): " + out);
        }
    }
}
