package io.mgw.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.mgw.core.model.AddressType;
import io.mgw.core.model.Direction;
import io.mgw.core.model.Kind;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.ReportRequest;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the documentation-only {@code schema.proto} and the numbers in {@link WireSchema} equal, both ways. */
class WireSchemaTest {

    private static final Pattern BLOCK = Pattern.compile("^(message|enum) (\\w+) \\{");
    private static final Pattern FIELD =
            Pattern.compile("^\\s+(?:repeated\\s+)?(?:map<[^>]+>|[\\w.]+)\\s+(\\w+)\\s*=\\s*(\\d+)\\s*;");
    private static final Pattern ENUM_VALUE = Pattern.compile("^\\s+(\\w+)\\s*=\\s*(\\d+)\\s*;");

    private static final Map<String, Map<String, Integer>> messages = new TreeMap<>();
    private static final Map<String, Map<String, Integer>> enums = new TreeMap<>();

    @BeforeAll
    static void parseProto() throws IOException {
        String proto;
        try (InputStream in = WireSchemaTest.class.getResourceAsStream("/io/mgw/core/wire/schema.proto")) {
            assertThat(in).as("schema.proto on the class path").isNotNull();
            proto = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, Integer> current = null;
        boolean inEnum = false;
        for (String line : proto.split("\n")) {
            String code = line.replaceFirst("//.*", "");
            Matcher block = BLOCK.matcher(code);
            if (block.find()) {
                inEnum = block.group(1).equals("enum");
                current = new LinkedHashMap<>();
                (inEnum ? enums : messages).put(block.group(2), current);
                continue;
            }
            if (code.startsWith("}")) {
                current = null;
                continue;
            }
            if (current == null) {
                continue;
            }
            Matcher m = (inEnum ? ENUM_VALUE : FIELD).matcher(code);
            if (m.find()) {
                assertThat(current.put(m.group(1), Integer.parseInt(m.group(2)))).as("duplicate " + m.group(1))
                        .isNull();
            }
        }
    }

    @Test
    void protoWasParsed() {
        assertThat(messages).containsKeys("Message", "DeliveryReport", "ClientDelivery", "SouthReceipt", "Address");
        assertThat(messages.get("Message")).hasSize(18).containsEntry("attributes", 18);
        assertThat(enums).containsOnlyKeys("Kind", "Direction", "AddressType", "ReportRequest", "MessageStatus");
    }

    @Test
    void everyProtoMessageMatchesItsConstantsAndBack() throws IllegalAccessException {
        Map<String, Map<String, Integer>> code = new TreeMap<>();
        for (Class<?> c : WireSchema.class.getDeclaredClasses()) {
            if (!c.getSimpleName().endsWith("Fields") || c == WireSchema.MapEntryFields.class) {
                continue;
            }
            Map<String, Integer> fields = new LinkedHashMap<>();
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                    f.setAccessible(true);
                    fields.put(f.getName().toLowerCase(java.util.Locale.ROOT), f.getInt(null));
                }
            }
            code.put(c.getSimpleName().replaceFirst("Fields$", ""), fields);
        }

        assertThat(code).isEqualTo(messages);
    }

    @Test
    void fieldNumbersAreUniquePerMessage() {
        messages.forEach((name, fields) -> assertThat(fields.values()).as(name).doesNotHaveDuplicates());
    }

    @Test
    void mapEntriesUseTheProtobufMapLayout() {
        // map<K, V> is defined by the Protobuf spec as repeated { K key = 1; V value = 2; }
        assertThat(WireSchema.MapEntryFields.KEY).isEqualTo(1);
        assertThat(WireSchema.MapEntryFields.VALUE).isEqualTo(2);
    }

    @Test
    void kindNumbersMatch() {
        checkEnum("Kind", "KIND_", Kind.values(), WireSchema::code, WireSchema::kind);
    }

    @Test
    void directionNumbersMatch() {
        checkEnum("Direction", "DIRECTION_", Direction.values(), WireSchema::code, WireSchema::direction);
    }

    @Test
    void addressTypeNumbersMatch() {
        checkEnum("AddressType", "ADDRESS_TYPE_", AddressType.values(), WireSchema::code, WireSchema::addressType);
    }

    @Test
    void reportRequestNumbersMatch() {
        checkEnum("ReportRequest", "REPORT_REQUEST_", ReportRequest.values(), WireSchema::code,
                WireSchema::reportRequest);
    }

    @Test
    void messageStatusNumbersMatch() {
        checkEnum("MessageStatus", "MESSAGE_STATUS_", MessageStatus.values(), WireSchema::code,
                WireSchema::messageStatus);
    }

    private static <E extends Enum<E>> void checkEnum(String protoName, String prefix, E[] values,
            ToIntFunction<E> toCode, IntFunction<E> fromCode) {
        Map<String, Integer> proto = enums.get(protoName);
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put(prefix + "UNSPECIFIED", 0);
        Arrays.stream(values).forEach(v -> expected.put(prefix + v.name(), toCode.applyAsInt(v)));

        assertThat(proto).as(protoName).isEqualTo(expected);
        for (E v : values) {
            assertThat(fromCode.apply(toCode.applyAsInt(v))).as("%s round trip", v).isEqualTo(v);
        }
    }
}
