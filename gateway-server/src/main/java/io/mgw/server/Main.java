package io.mgw.server;

import io.mgw.core.config.GatewayConfig;
import io.mgw.core.config.PasswordHash;
import io.mgw.server.cli.SmppSendCommand;
import io.mgw.server.config.ConfigException;
import io.mgw.server.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * The command line of a node.
 *
 * <pre>
 *   run [--config FILE]         start a node (default config/demo.yaml); SIGTERM drains, then exits 0
 *   sim smsc [flags]            run the SMSC simulator alone (flags: see SmscSimulator)
 *   send [flags]                submit one SMS over SMPP and wait for its receipt (walkthrough client)
 *   hash-password [PASSWORD]    print a password hash for the config file (without PASSWORD: read from the
 *                               terminal without echo, or the first line of standard input)
 * </pre>
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        String cmd = args.length == 0 ? "run" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (cmd) {
            case "run" -> run(rest);
            case "sim" -> {
                if (rest.length == 0 || !rest[0].equals("smsc")) {
                    usage("sim smsc [--port 2776] [--receipt-delay-ms 100] [--failure-ratio 0] [--max-tps 0]");
                }
                io.mgw.testkit.smsc.SmscSimulator.main(Arrays.copyOfRange(rest, 1, rest.length));
            }
            case "send" -> System.exit(SmppSendCommand.run(rest));
            case "hash-password" -> {
                if (rest.length > 1) {
                    usage("hash-password [PASSWORD]   (without it: read from the terminal or standard input)");
                }
                String hash = hashPassword(rest, System.console(),
                        new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                                java.nio.charset.StandardCharsets.UTF_8)));
                if (hash == null) {
                    usage("hash-password [PASSWORD]   (no password given)");
                }
                System.out.println(hash);
            }
            default -> usage("run [--config FILE] | sim smsc [...] | send [...] | hash-password [PASSWORD]");
        }
    }

    private static void run(String[] args) throws Exception {
        Path configFile = Path.of("config/demo.yaml");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else {
                usage("run [--config FILE]");
            }
        }
        GatewayConfig config;
        try {
            config = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            System.err.println("config error: " + e.getMessage());
            System.exit(2);
            return;
        }
        GatewayNode node = new GatewayNode(config, configFile);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.drainAndClose();
            stopped.countDown();
        }, "mgw-shutdown"));
        try {
            node.start();
        } catch (RuntimeException e) {
            System.err.println("start failed: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
        stopped.await();
    }

    /**
     * The hash of the password given as the argument or, without one (so that it stays out of the shell's history
     * and the process list), typed at the terminal without echo or read as the first line of {@code in}; null when
     * none is given or it is empty.
     */
    static String hashPassword(String[] args, java.io.Console console, java.io.BufferedReader in)
            throws java.io.IOException {
        String password;
        if (args.length == 1) {
            password = args[0];
        } else if (console != null) {
            char[] typed = console.readPassword("password: ");
            password = typed == null ? null : new String(typed);
        } else {
            password = in.readLine();
        }
        return password == null || password.isEmpty() ? null : PasswordHash.hash(password);
    }

    private static void usage(String text) {
        System.err.println("usage: gateway " + text);
        System.exit(2);
    }
}
