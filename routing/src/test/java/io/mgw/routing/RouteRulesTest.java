package io.mgw.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.config.RouteConfig;
import io.mgw.core.model.Direction;
import io.mgw.core.model.Kind;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RouteRulesTest {

    private RouteRules rules;

    static RouteConfig mt(String name, String prefix, String regex, String account, String kind, String... conns) {
        return new RouteConfig(name, "MT", Optional.ofNullable(prefix), Optional.ofNullable(regex),
                Optional.ofNullable(account), Optional.ofNullable(kind), List.of(conns), Optional.empty());
    }

    static RouteConfig mo(String name, String prefix, String deliverTo) {
        return new RouteConfig(name, "MO", Optional.ofNullable(prefix), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), Optional.of(deliverTo));
    }

    @AfterEach
    void close() {
        if (rules != null) {
            rules.close();
        }
    }

    private String match(Direction d, String dest, String account, Kind kind) {
        return rules.match(d, dest, account, kind).map(RouteConfig::name).orElse("-");
    }

    @Test
    void firstMatchingRuleWins() {
        rules = new RouteRules(List.of(mt("de", "49", null, null, null, "a"), mt("all", null, null, null, null, "b")));
        assertThat(match(Direction.MT, "4917", "x", Kind.SMS_TEXT)).isEqualTo("de");
        assertThat(match(Direction.MT, "3312", "x", Kind.SMS_TEXT)).isEqualTo("all");
    }

    @Test
    void regexMustMatchTheWholeDestination() {
        rules = new RouteRules(List.of(mt("r", null, "44[0-9]{4}", null, null, "a")));
        assertThat(match(Direction.MT, "441234", "x", Kind.SMS_TEXT)).isEqualTo("r");
        assertThat(match(Direction.MT, "4412345", "x", Kind.SMS_TEXT)).isEqualTo("-");
    }

    @Test
    void accountAndKindAndDirectionNarrowTheRule() {
        rules = new RouteRules(List.of(mt("acme-pages", null, null, "acme", "PAGE", "p"),
                mo("keyword", "7777", "acme")));
        assertThat(match(Direction.MT, "1", "acme", Kind.PAGE)).isEqualTo("acme-pages");
        assertThat(match(Direction.MT, "1", "acme", Kind.SMS_TEXT)).isEqualTo("-");
        assertThat(match(Direction.MT, "1", "other", Kind.PAGE)).isEqualTo("-");
        assertThat(match(Direction.MO, "7777", "smsc", Kind.SMS_TEXT)).isEqualTo("keyword");
        assertThat(match(Direction.MT, "7777", "acme", Kind.SMS_TEXT)).isEqualTo("-");
    }

    @Test
    void noRulesMatchNothing() {
        rules = new RouteRules(List.of());
        assertThat(match(Direction.MT, "49", "x", Kind.SMS_TEXT)).isEqualTo("-");
    }

    @Test
    void reloadSwapsTheRules() {
        rules = new RouteRules(List.of(mt("old", "49", null, null, null, "a")));
        rules.reload(List.of(mt("new", "33", null, null, null, "b")));
        assertThat(match(Direction.MT, "4917", "x", Kind.SMS_TEXT)).isEqualTo("-");
        assertThat(match(Direction.MT, "3317", "x", Kind.SMS_TEXT)).isEqualTo("new");
    }

    @Test
    void invalidReloadKeepsTheOldRules() {
        rules = new RouteRules(List.of(mt("old", "49", null, null, null, "a")));
        assertThatThrownBy(() -> rules.reload(List.of(mt("bad", null, "([", null, null, "a"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("routes.bad.destinationRegex");
        assertThat(match(Direction.MT, "4917", "x", Kind.SMS_TEXT)).isEqualTo("old");
    }

    @Test
    void mtRuleWithoutConnectorsIsRefused() {
        assertThatThrownBy(() -> RouteRules.validate(List.of(mt("empty", "1", null, null, null))))
                .hasMessageContaining("routes.empty.connectors");
    }

    @Test
    void moRuleWithoutDeliverToIsRefused() {
        RouteConfig r = new RouteConfig("m", "MO", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), Optional.empty());
        assertThatThrownBy(() -> RouteRules.validate(List.of(r))).hasMessageContaining("routes.m.deliverTo");
    }

    @Test
    void unknownDirectionAndKindAreRefused() {
        assertThatThrownBy(() -> RouteRules.validate(List.of(new RouteConfig("d", "SIDEWAYS", Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of("a"), Optional.empty()))))
                .hasMessageContaining("routes.d.direction");
        assertThatThrownBy(() -> RouteRules.validate(List.of(mt("k", null, null, null, "FAX", "a"))))
                .hasMessageContaining("routes.k.kind");
    }
}
