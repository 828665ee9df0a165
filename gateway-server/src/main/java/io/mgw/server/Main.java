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
 *   hash-password PASSWORD      print a password hash for the config file
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
                if (rest.length != 1) {
                    usage("hash-password PASSWORD");
                }
                System.out.println(PasswordHash.hash(rest[0]));
            }
            default -> usage("run [--config FILE] | sim smsc [...] | send [...] | hash-password PASSWORD");
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

    private static void usage(String text) {
        System.err.println("usage: gateway " + text);
        System.exit(2);
    }
}
