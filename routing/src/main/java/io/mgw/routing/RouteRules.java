package io.mgw.routing;

import static java.util.Objects.requireNonNull;

import io.mgw.core.config.RouteConfig;
import io.mgw.core.model.Direction;
import io.mgw.core.model.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.support.builder.PredicateBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing rules as an Apache Camel route: {@code direct:gw-rules-<n>} holds a {@code choice()} with one
 * {@code when} per rule, in config order, so the first matching rule wins; it sets the header {@code gw.rule} to
 * the index of the winning rule, or -1 when none matches.
 *
 * <p>A rule matches when every condition it sets holds: direction equals, destination starts with the prefix,
 * destination matches the regex (the whole address, {@link java.util.regex.Matcher#matches()}), origin account (MT) or
 * connector (MO) equals, kind equals.
 *
 * <p>Reload builds a new route version next to the old one, switches callers to it atomically, then removes the old
 * route; a caller that raced onto the removed route is retried on the new one. Thread-safe.
 */
public final class RouteRules implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RouteRules.class);
    static final String H_DIRECTION = "gw.direction";
    static final String H_DESTINATION = "gw.destination";
    static final String H_ACCOUNT = "gw.account";
    static final String H_KIND = "gw.kind";
    static final String H_RULE = "gw.rule";

    private record Version(String routeId, Endpoint endpoint, List<RouteConfig> rules) {}

    private final CamelContext camel;
    private final ProducerTemplate template;
    private final AtomicInteger versions = new AtomicInteger();
    private final AtomicReference<Version> current = new AtomicReference<>();

    /**
     * Starts a Camel context with the given rules.
     *
     * @throws IllegalArgumentException if a rule is invalid (see {@link #validate})
     */
    public RouteRules(List<RouteConfig> rules) {
        validate(rules);
        camel = new DefaultCamelContext();
        camel.getShutdownStrategy().setTimeout(5);
        try {
            camel.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("starting Camel: " + e, e);
        }
        template = camel.createProducerTemplate();
        current.set(build(rules));
    }

    /**
     * Checks that MT rules name at least one connector, MO rules name {@code deliverTo}, directions are MT or MO,
     * kinds are {@link Kind} names and regexes compile.
     *
     * @throws IllegalArgumentException naming the rule and the problem
     */
    public static void validate(List<RouteConfig> rules) {
        requireNonNull(rules, "rules");
        for (RouteConfig r : rules) {
            String where = "routes." + r.name();
            Direction d;
            try {
                d = Direction.valueOf(r.direction());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ".direction: '" + r.direction() + "' (expected: MT or MO)");
            }
            if (d == Direction.MT && r.connectors().isEmpty()) {
                throw new IllegalArgumentException(where + ".connectors: empty (expected: at least one for MT)");
            }
            if (d == Direction.MO && r.deliverTo().isEmpty()) {
                throw new IllegalArgumentException(where + ".deliverTo: missing (expected: an account for MO)");
            }
            r.kind().ifPresent(k -> {
                try {
                    Kind.valueOf(k);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ".kind: '" + k + "' (expected: one of "
                            + List.of(Kind.values()) + ")");
                }
            });
            r.destinationRegex().ifPresent(re -> {
                try {
                    Pattern.compile(re);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException(where + ".destinationRegex: '" + re + "' (" + e.getDescription()
                            + ")");
                }
            });
        }
    }

    /** The rules in force. */
    public List<RouteConfig> rules() {
        return current.get().rules();
    }

    /**
     * The first rule that matches, if any.
     *
     * @param account the origin account (MT) or connector (MO)
     */
    public Optional<RouteConfig> match(Direction direction, String destination, String account, Kind kind) {
        Map<String, Object> headers = Map.of(H_DIRECTION, direction.name(), H_DESTINATION, destination,
                H_ACCOUNT, account, H_KIND, kind.name());
        for (int attempt = 0; ; attempt++) {
            Version v = current.get();
            Exchange ex = template.send(v.endpoint(), e -> e.getIn().setHeaders(new java.util.HashMap<>(headers)));
            if (ex.getException() != null) {
                if (attempt < 3 && current.get() != v) {
                    continue;
                }
                throw new IllegalStateException("routing rules: " + ex.getException(), ex.getException());
            }
            int index = ex.getMessage().getHeader(H_RULE, -1, Integer.class);
            return index < 0 ? Optional.empty() : Optional.of(v.rules().get(index));
        }
    }

    /**
     * Replaces the rules atomically: matches started before return use the old or the new rules, never a mix.
     *
     * @throws IllegalArgumentException if a rule is invalid; the old rules stay in force
     */
    public void reload(List<RouteConfig> rules) {
        validate(rules);
        Version next = build(rules);
        Version old = current.getAndSet(next);
        remove(old);
        log.info("Routing rules reloaded: {} rules", rules.size());
    }

    private Version build(List<RouteConfig> rules) {
        List<RouteConfig> copy = List.copyOf(rules);
        String id = "gw-rules-" + versions.incrementAndGet();
        String uri = "direct:" + id;
        try {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    if (copy.isEmpty()) {
                        from(uri).routeId(id).setHeader(H_RULE, constant(-1));
                        return;
                    }
                    ChoiceDefinition choice = from(uri).routeId(id).choice();
                    for (int i = 0; i < copy.size(); i++) {
                        choice = choice.when(predicate(copy.get(i))).setHeader(H_RULE, constant(i));
                    }
                    choice.otherwise().setHeader(H_RULE, constant(-1)).end();
                }

                private Predicate predicate(RouteConfig r) {
                    List<Predicate> all = new ArrayList<>();
                    all.add(header(H_DIRECTION).isEqualTo(r.direction()));
                    r.destinationPrefix().ifPresent(p -> all.add(header(H_DESTINATION).startsWith(p)));
                    r.destinationRegex().ifPresent(re -> all.add(header(H_DESTINATION).regex(re)));
                    r.account().ifPresent(a -> all.add(header(H_ACCOUNT).isEqualTo(a)));
                    r.kind().ifPresent(k -> all.add(header(H_KIND).isEqualTo(k)));
                    return PredicateBuilder.and(all);
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("building the routing route: " + e, e);
        }
        return new Version(id, camel.getEndpoint(uri), copy);
    }

    private void remove(Version old) {
        try {
            camel.getRouteController().stopRoute(old.routeId());
            camel.removeRoute(old.routeId());
        } catch (Exception e) {
            log.warn("Removing old routing route {}: {}", old.routeId(), e.toString());
        }
    }

    @Override
    public void close() {
        try {
            template.close();
        } catch (Exception e) {
            log.debug("closing template", e);
        }
        try {
            camel.close();
        } catch (Exception e) {
            log.warn("Closing Camel: {}", e.toString());
        }
    }
}
