package io.mgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mgw.core.config.PasswordHash;
import java.io.BufferedReader;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class MainTest {

    private static BufferedReader input(String text) {
        return new BufferedReader(new StringReader(text));
    }

    @Test
    void hashPasswordTakesTheArgumentOrTheFirstLineOfStandardInput() throws Exception {
        assertThat(PasswordHash.verify("s3cret", Main.hashPassword(new String[] {"s3cret"}, null, input(""))))
                .isTrue();
        // no argument, no terminal (a pipe): the first line, without its line end
        String piped = Main.hashPassword(new String[0], null, input("from stdin\nsecond line\n"));
        assertThat(PasswordHash.verify("from stdin", piped)).isTrue();
        assertThat(Main.hashPassword(new String[0], null, input(""))).isNull();
        assertThat(Main.hashPassword(new String[0], null, input("\n"))).isNull();
    }
}
