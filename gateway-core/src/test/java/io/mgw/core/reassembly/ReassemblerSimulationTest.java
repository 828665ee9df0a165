package io.mgw.core.reassembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.mgw.core.model.Address;
import io.mgw.core.model.Concat;
import io.mgw.core.model.Content;
import io.mgw.core.model.Direction;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.Origin;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A seeded simulation of MO reassembly (RELIABILITY.md B.7 item 4, for the reassembler): a few handsets send long
 * messages whose 8-bit references come from a tiny space, so references are reused while older messages still miss
 * parts; parts arrive shuffled across messages, some never, some twice (at once or much later, after their message
 * completed); the clock moves on in random steps; expiry runs now and then; the reassembler is sometimes replaced by a
 * new one over the same store (a restart). Every part's text names its message and sequence, so the output can be
 * checked. After every schedule:
 * <ul>
 *   <li>nothing is lost: every part offered comes out, joined or alone;</li>
 *   <li>nothing comes out more often than it was offered;</li>
 *   <li>a joined message holds one part of each sequence, in order, all under one key (handset, reference, total).
 *       Parts of two messages under the same key can be joined: a message missing a part, and a later one reusing its
 *       reference whose parts fill the gap, cannot be told apart by anyone (SMS concatenation carries nothing else),
 *       and the simulation reuses references far more often than handsets do, to make the other cases happen.</li>
 * </ul>
 * A failure names its seed: rerun that seed alone to replay the schedule.
 */
class ReassemblerSimulationTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern TOKEN = Pattern.compile("<m(\\d+)p(\\d+)>");

    static List<Long> seeds() {
        List<Long> seeds = new ArrayList<>();
        for (long s = 1; s <= 200; s++) {
            seeds.add(s);
        }
        return seeds;
    }

    private record Sent(int message, int sequence, int total, Message part) {}

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void nothingLostNothingInventedNoKeysMixed(long seed) {
        Random random = new Random(seed);
        MutableClock clock = new MutableClock(T0);
        InMemoryFragmentStore store = new InMemoryFragmentStore();
        Reassembler reassembler = new Reassembler(store, TIMEOUT, clock);

        // the messages, and the parts each sends (a part lost on the way is never offered)
        int messages = 20 + random.nextInt(30);
        Map<Integer, Integer> totals = new HashMap<>();
        Map<Integer, String> keys = new HashMap<>();
        List<Sent> schedule = new ArrayList<>();
        for (int m = 0; m < messages; m++) {
            int total = 2 + random.nextInt(2);
            int handset = random.nextInt(2);
            int reference = random.nextInt(3);
            totals.put(m, total);
            keys.put(m, handset + "/" + reference + "/" + total);
            for (int k = 1; k <= total; k++) {
                if (random.nextInt(10) == 0) {
                    continue; // lost on the way
                }
                schedule.add(new Sent(m, k, total, part(m, handset, reference, total, k)));
            }
        }
        // roughly in message order, parts of neighbouring messages interleaved
        List<Sent> order = new ArrayList<>();
        for (int i = 0; i < schedule.size(); i += 4) {
            List<Sent> window = new ArrayList<>(schedule.subList(i, Math.min(schedule.size(), i + 4)));
            Collections.shuffle(window, random);
            order.addAll(window);
        }
        // copies: some at once, some much later (after their message likely completed)
        Map<String, Integer> offered = new HashMap<>();
        List<Sent> withCopies = new ArrayList<>(order);
        for (Sent s : order) {
            if (random.nextInt(8) == 0) {
                int at = Math.min(withCopies.size(), withCopies.indexOf(s) + 1 + random.nextInt(12));
                withCopies.add(at, s);
            }
        }

        List<Message> out = new ArrayList<>();
        for (Sent s : withCopies) {
            offered.merge(token(s.message(), s.sequence()), 1, Integer::sum);
            reassembler.offer(s.part()).toCompletableFuture().join().ifPresent(out::add);
            clock.advance(Duration.ofSeconds(random.nextInt(40)));
            if (random.nextInt(6) == 0) {
                out.addAll(reassembler.expire());
            }
            if (random.nextInt(25) == 0) {
                reassembler = new Reassembler(store, TIMEOUT, clock); // a restart: only the store remains
            }
        }
        for (int i = 0; i < 4; i++) {
            clock.advance(TIMEOUT.multipliedBy(2));
            out.addAll(reassembler.expire());
        }

        Map<String, Integer> cameOut = new HashMap<>();
        for (Message m : out) {
            String text = ((Content.Text) m.content()).text();
            List<int[]> tokens = tokens(text);
            tokens.forEach(t -> cameOut.merge(token(t[0], t[1]), 1, Integer::sum));
            if (tokens.size() > 1) {
                int owner = tokens.getFirst()[0];
                for (int k = 0; k < tokens.size(); k++) {
                    int[] t = tokens.get(k);
                    assertThat(t[1]).as("seed %d: sequence %d of joined %s", seed, k + 1, text).isEqualTo(k + 1);
                    assertThat(keys.get(t[0])).as("seed %d: %s joins parts of messages with other keys", seed, text)
                            .isEqualTo(keys.get(owner));
                }
                assertThat(tokens).as("seed %d: %s", seed, text).hasSize(totals.get(owner));
            }
        }
        for (Map.Entry<String, Integer> e : offered.entrySet()) {
            assertThat(cameOut.getOrDefault(e.getKey(), 0)).as("seed %d: part %s (offered %d times) came out",
                    seed, e.getKey(), e.getValue()).isBetween(1, e.getValue());
        }
        assertThat(cameOut.keySet()).as("seed %d: parts that came out were offered", seed)
                .isSubsetOf(offered.keySet());
        assertThat(store.size()).as("seed %d: parts left in the store", seed).isZero();
    }

    private static Message part(int message, int handset, int reference, int total, int sequence) {
        return Message.builder()
                .id(new MessageId(message, sequence))
                .direction(Direction.MO)
                .origin(new Origin("smpp", "smsc-a", "node-1", "deliver_sm:" + message + "/" + sequence))
                .source(Address.msisdn("491700000" + handset))
                .destination(Address.msisdn("4242"))
                .receivedAt(T0)
                .content(new Content.Text(token(message, sequence)))
                .concat(Optional.of(new Concat(reference, total, sequence, false)))
                .build();
    }

    private static String token(int message, int sequence) {
        return "<m" + message + "p" + sequence + ">";
    }

    private static List<int[]> tokens(String text) {
        List<int[]> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            tokens.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
        }
        return tokens;
    }
}
