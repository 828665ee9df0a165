package io.mgw.smpp.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mgw.core.model.MessageStatus;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ReceiptParserTest {

    /** Receipt texts in the shapes seen from different SMSC vendors: text, id, status, error. */
    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("canonical 3.4 appendix layout",
                        "id:5f2a91 sub:001 dlvrd:001 submit date:2311230912 done date:2311230913 stat:DELIVRD err:000 text:Hello world",
                        "5f2a91", MessageStatus.DELIVERED, 0),
                Arguments.of("capitalised Text key and 12-digit dates",
                        "id:1234567890 sub:001 dlvrd:001 submit date:231123091205 done date:231123091307 stat:DELIVRD err:000 Text:Hi",
                        "1234567890", MessageStatus.DELIVERED, 0),
                Arguments.of("upper-case keys",
                        "ID:abc SUB:001 DLVRD:000 SUBMIT DATE:2311230912 DONE DATE:2311230913 STAT:UNDELIV ERR:001 TEXT:x",
                        "abc", MessageStatus.UNDELIVERABLE, 1),
                Arguments.of("no text field",
                        "id:77 sub:001 dlvrd:001 submit date:2311230912 done date:2311230913 stat:DELIVRD err:0",
                        "77", MessageStatus.DELIVERED, 0),
                Arguments.of("only id and stat",
                        "id:A1B2C3 stat:EXPIRED", "A1B2C3", MessageStatus.EXPIRED, 0),
                Arguments.of("fields reordered",
                        "stat:REJECTD err:011 id:99 done date:2311230913 submit date:2311230912",
                        "99", MessageStatus.REJECTED, 11),
                Arguments.of("extra vendor fields",
                        "id:42 sub:001 dlvrd:001 submit date:2311230912 done date:2311230913 stat:DELIVRD err:000 mcc:262 mnc:01 price:0.01 text:x",
                        "42", MessageStatus.DELIVERED, 0),
                Arguments.of("underscored date keys",
                        "id:42 submit_date:2311230912 done_date:2311230913 stat:ACCEPTD err:000",
                        "42", MessageStatus.ACCEPTED, 0),
                Arguments.of("spelled-out state, lower case",
                        "id:42 stat:delivered err:0", "42", MessageStatus.DELIVERED, 0),
                Arguments.of("UNDELIVERABLE spelled out",
                        "id:42 stat:UNDELIVERABLE err:0", "42", MessageStatus.UNDELIVERABLE, 0),
                Arguments.of("deleted", "id:42 stat:DELETED err:0", "42", MessageStatus.DELETED, 0),
                Arguments.of("unknown state word", "id:42 stat:UNKNOWN err:0", "42", MessageStatus.UNKNOWN, 0),
                Arguments.of("enroute intermediate", "id:42 stat:ENROUTE err:0", "42", MessageStatus.ENROUTE, 0),
                Arguments.of("5.0 scheduled", "id:42 stat:SCHEDLD", "42", MessageStatus.ENROUTE, 0),
                Arguments.of("5.0 skipped", "id:42 stat:SKIPPED", "42", MessageStatus.UNDELIVERABLE, 0),
                Arguments.of("garbage state", "id:42 stat:FOO err:0", "42", MessageStatus.UNKNOWN, 0),
                Arguments.of("numeric state", "id:42 stat:2", "42", MessageStatus.DELIVERED, 0),
                Arguments.of("hex error with 0x", "id:42 stat:UNDELIV err:0x1B", "42", MessageStatus.UNDELIVERABLE, 27),
                Arguments.of("hex error with letters", "id:42 stat:UNDELIV err:00B", "42", MessageStatus.UNDELIVERABLE, 11),
                Arguments.of("space after colon", "id: 42 stat: DELIVRD err: 005", "42", MessageStatus.DELIVERED, 5),
                Arguments.of("text contains fake fields that must be ignored",
                        "id:42 stat:DELIVRD err:000 text:id:99 stat:UNDELIV", "42", MessageStatus.DELIVERED, 0),
                Arguments.of("trailing NULs", "id:42 stat:DELIVRD err:000\0\0", "42", MessageStatus.DELIVERED, 0),
                Arguments.of("multi-line", "id:42\nsub:001\ndlvrd:001\nstat:DELIVRD\nerr:000", "42",
                        MessageStatus.DELIVERED, 0),
                Arguments.of("id with dashes (uuid-like)", "id:3f2a-91bc-44 stat:DELIVRD", "3f2a-91bc-44",
                        MessageStatus.DELIVERED, 0),
                Arguments.of("missing stat", "id:42 err:000", "42", MessageStatus.UNKNOWN, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void parsesVendorVariant(String name, String text, String id, MessageStatus status, int err) {
        ParsedReceipt r = ReceiptParser.parse(text);
        assertThat(r.remoteId()).isEqualTo(id);
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.errorCode()).isEqualTo(err);
    }

    @Test
    void readsCountsDatesAndText() {
        ParsedReceipt r = ReceiptParser.parse(
                "id:5f2a91 sub:002 dlvrd:001 submit date:2311230912 done date:231123091307 stat:DELIVRD err:000 text:Hello world");
        assertThat(r.submitted()).hasValue(2);
        assertThat(r.delivered()).hasValue(1);
        assertThat(r.submitDate()).contains(Instant.parse("2023-11-23T09:12:00Z"));
        assertThat(r.doneDate()).contains(Instant.parse("2023-11-23T09:13:07Z"));
        assertThat(r.text()).isEqualTo("Hello world");
    }

    @Test
    void readsFourteenDigitDates() {
        ParsedReceipt r = ReceiptParser.parse("id:1 submit date:20231123091205 stat:DELIVRD");
        assertThat(r.submitDate()).contains(Instant.parse("2023-11-23T09:12:05Z"));
    }

    @Test
    void impossibleDateIsLeftOutNotFatal() {
        ParsedReceipt r = ReceiptParser.parse("id:1 submit date:2313450000 done date:12345 stat:DELIVRD");
        assertThat(r.submitDate()).isEmpty();
        assertThat(r.doneDate()).isEmpty();
        assertThat(r.status()).isEqualTo(MessageStatus.DELIVERED);
    }

    @Test
    void nonNumericCountsAreLeftOut() {
        ParsedReceipt r = ReceiptParser.parse("id:1 sub:abc dlvrd: stat:DELIVRD");
        assertThat(r.submitted()).isEmpty();
        assertThat(r.delivered()).isEmpty();
    }

    @Test
    void tlvsWinOverText() {
        ParsedReceipt r = ReceiptParser.parse("id:111 stat:DELIVRD err:000", Optional.of("00A1B2"),
                OptionalInt.of(5), OptionalInt.of(0x22));
        assertThat(r.remoteId()).isEqualTo("00A1B2");
        assertThat(r.status()).isEqualTo(MessageStatus.UNDELIVERABLE);
        assertThat(r.errorCode()).isEqualTo(0x22);
    }

    @Test
    void tlvOnlyReceiptWithoutText() {
        ParsedReceipt r = ReceiptParser.parse("", Optional.of("abc"), OptionalInt.of(2), OptionalInt.empty());
        assertThat(r.remoteId()).isEqualTo("abc");
        assertThat(r.status()).isEqualTo(MessageStatus.DELIVERED);
    }

    @Test
    void invalidTlvStateFallsBackToText() {
        ParsedReceipt r = ReceiptParser.parse("id:1 stat:EXPIRED", Optional.empty(), OptionalInt.of(77),
                OptionalInt.empty());
        assertThat(r.status()).isEqualTo(MessageStatus.EXPIRED);
    }

    @Test
    void fiveZeroTlvStates() {
        assertThat(ReceiptParser.parse("", Optional.of("1"), OptionalInt.of(0), OptionalInt.empty()).status())
                .isEqualTo(MessageStatus.ENROUTE);
        assertThat(ReceiptParser.parse("", Optional.of("1"), OptionalInt.of(9), OptionalInt.empty()).status())
                .isEqualTo(MessageStatus.UNDELIVERABLE);
    }

    @Test
    void blankTlvIdFallsBackToText() {
        ParsedReceipt r = ReceiptParser.parse("id:9 stat:DELIVRD", Optional.of(" "), OptionalInt.empty(),
                OptionalInt.empty());
        assertThat(r.remoteId()).isEqualTo("9");
    }

    @Test
    void noIdAnywhereIsRejected() {
        assertThatThrownBy(() -> ReceiptParser.parse("sub:001 dlvrd:001 stat:DELIVRD"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no message id");
    }

    @Test
    void emptyTextIsRejected() {
        assertThatThrownBy(() -> ReceiptParser.parse("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void idInsideAnotherKeyIsNotTakenAsId() {
        assertThatThrownBy(() -> ReceiptParser.parse("msgid:5 stat:DELIVRD"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
