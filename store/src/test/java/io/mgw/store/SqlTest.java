package io.mgw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.config.StoreConfig;
import io.mgw.core.model.Address;
import io.mgw.core.model.Content;
import io.mgw.core.model.EventType;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.Origin;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The small mappings: error codes from details, text previews, the status fold, JDBC URLs. */
class SqlTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void errorCodeFromSmppReceiptText() {
        assertThat(Sql.errorCode("id:1 sub:001 dlvrd:000 stat:UNDELIV err:011 text:x")).hasValue(11);
    }

    @Test
    void errorCodeInHexAfterEquals() {
        assertThat(Sql.errorCode("throttled err=0x58")).hasValue(0x58);
    }

    @Test
    void noErrorCodeWithoutTheToken() {
        assertThat(Sql.errorCode("remote 1f2e")).isEmpty();
        assertThat(Sql.errorCode("")).isEmpty();
    }

    @Test
    void errorTokenMustStartAWord() {
        assertThat(Sql.errorCode("ferr:12")).isEmpty();
    }

    @Test
    void errorCodeTooLargeIsIgnored() {
        assertThat(Sql.errorCode("err:99999999999999")).isEmpty();
    }

    private static Message text(Content content) {
        return Message.builder().id(new MessageId(1, 2)).origin(new Origin("smpp", "a", "n", ""))
                .source(Address.of("s")).destination(Address.of("d")).content(content).receivedAt(T0).build();
    }

    @Test
    void previewNeverSplitsASurrogatePair() {
        String text = "a".repeat(19) + "\uD83D\uDE00" + "tail"; // the 20th and 21st chars are one emoji

        assertThat(Sql.preview(text(new Content.Text(text)))).isEqualTo("a".repeat(19));
    }

    @Test
    void previewOfUcs2OctetsIsTheirTextAndOfOtherBinaryNothing() {
        byte[] cut = {0x00, 'h', 0x00, 'i', (byte) 0xD8, 0x3D}; // "hi" + the first half of an emoji
        assertThat(Sql.preview(text(new Content.Binary(new byte[0], cut, 0x08)))).isEqualTo("hi\uFFFD");
        assertThat(Sql.preview(text(new Content.Binary(new byte[0], cut, 0x04)))).isEmpty();
    }

    @Test
    void previewOfMultipartIsItsSubject() {
        assertThat(Sql.preview(text(new Content.Multipart("Hello there", List.of())))).isEqualTo("Hello there");
    }

    @Test
    void foldKeepsAFinalStatusAgainstLaterNonFinalOnes() {
        var history = List.of(
                new MessageEvent(T0, EventType.ACCEPTED, MessageStatus.ACCEPTED, "", ""),
                new MessageEvent(T0.plusSeconds(1), EventType.REPORT, MessageStatus.UNDELIVERABLE, "c", "err:5"),
                new MessageEvent(T0.plusSeconds(2), EventType.RETRY, MessageStatus.ENROUTE, "c", "err:7"));

        assertThat(StatusFold.of(history))
                .isEqualTo(new StatusFold(MessageStatus.UNDELIVERABLE, T0.plusSeconds(1), 5));
    }

    @Test
    void foldOfEmptyHistoryIsRefused() {
        assertThatThrownBy(() -> StatusFold.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void embeddedH2LivesUnderTheDataDir() {
        var config = new StoreConfig("h2", Optional.empty(), "sa", "", 4, 7);

        String url = JdbcStore.jdbcUrl(config, Path.of("/var/mgw"), Dialect.H2);

        assertThat(url).startsWith("jdbc:h2:file:/var/mgw/store/mgw;MODE=PostgreSQL").contains("WRITE_DELAY=0");
    }

    @Test
    void givenH2UrlGetsTheOptionsUnlessItSetsAMode() {
        var plain = new StoreConfig("h2", Optional.of("jdbc:h2:mem:x"), "sa", "", 4, 7);
        var moded = new StoreConfig("h2", Optional.of("jdbc:h2:mem:x;MODE=PostgreSQL"), "sa", "", 4, 7);

        assertThat(JdbcStore.jdbcUrl(plain, Path.of("d"), Dialect.H2)).isEqualTo("jdbc:h2:mem:x" + JdbcStore.H2_OPTIONS);
        assertThat(JdbcStore.jdbcUrl(moded, Path.of("d"), Dialect.H2)).isEqualTo("jdbc:h2:mem:x;MODE=PostgreSQL");
    }

    @Test
    void postgresqlNeedsAUrl() {
        var config = new StoreConfig("postgresql", Optional.empty(), "u", "p", 4, 7);

        assertThatThrownBy(() -> JdbcStore.jdbcUrl(config, Path.of("d"), Dialect.POSTGRESQL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("store url");
    }

    @Test
    void unknownStoreTypeIsRefused() {
        assertThatThrownBy(() -> Dialect.of("riak")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("store type: 'riak' (expected: h2 or postgresql)");
    }
}
