package io.shmtel.foxglove.wellknown;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shmtel.foxglove.MessageEncoding;
import io.shmtel.schema.wellknown.WellKnownType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The message structure table: every row well formed and used, every well-known type's row named as its schema,
 * and what the encoders write and the generated definitions say both follow it member by member.
 */
class MessageStructureTest {

    @ParameterizedTest
    @EnumSource(WellKnownType.class)
    void everyTypeHasARowTitledWithItsJsonSchemaName(WellKnownType type) {
        MessageStructure s = MessageStructure.of(type);
        assertThat(s.type()).isEqualTo(type);
        assertThat(s.jsonTitle()).isEqualTo(WellKnownSchemas.schemaName(type, MessageEncoding.JSON));
    }

    @ParameterizedTest
    @EnumSource(MessageStructure.class)
    void everyRowIsWellFormedAndReachedFromAWellKnownType(MessageStructure s) {
        assertThat(s.members()).as("%s members", s).isNotEmpty();
        assertThat(new HashSet<>(s.memberNames())).as("%s member names are unique", s).hasSize(s.members().size());
        assertThat(s.description()).isNotBlank();
        for (Member m : s.members()) {
            assertThat(m.primitive() == null).as("%s.%s: a primitive or a nested message", s, m.name())
                    .isNotEqualTo(m.nested() == null);
            assertThat(m.description()).as("%s.%s description", s, m.name()).isNotBlank();
            if (!m.constants().isEmpty()) {
                assertThat(m.primitive()).as("%s.%s: an enumeration of a primitive", s, m.name()).isNotNull();
            }
            if (m.primitive() == Primitive.BYTES) {
                assertThat(m.sequence()).as("%s.%s: bytes are already a sequence", s, m.name()).isFalse();
            }
        }
        Set<MessageStructure> reached = EnumSet.noneOf(MessageStructure.class);
        for (WellKnownType type : WellKnownType.values()) {
            reach(MessageStructure.of(type), reached);
        }
        assertThat(reached).as("rows used by a well-known type").contains(s);
    }

    private static void reach(MessageStructure s, Set<MessageStructure> into) {
        if (into.add(s)) {
            s.members().stream().filter(m -> m.nested() != null).forEach(m -> reach(m.nested(), into));
        }
    }

    @ParameterizedTest
    @EnumSource(WellKnownType.class)
    void theEncoderWritesExactlyTheRowsMembersWithTheirKinds(WellKnownType type) throws Exception {
        followsTable(WellKnownEncoderTest.json(type), MessageStructure.of(type), type.typeName());
    }

    @ParameterizedTest
    @EnumSource(WellKnownType.class)
    void theGeneratedDefinitionsListTheRowsMembers(WellKnownType type) throws Exception {
        MessageStructure s = MessageStructure.of(type);
        JsonNode schema = WellKnownEncoderTest.JSON.readTree(WellKnownSchemas.schema(type, MessageEncoding.JSON));
        assertThat(names(schema.get("properties"))).isEqualTo(s.memberNames());
        assertThat(names(schema.get("required"))).isEqualTo(s.memberNames());
        String ros = WellKnownSchemas.schema(type, MessageEncoding.CDR);
        for (Member m : s.members()) {
            String rosType = m.nested() != null ? m.nested().rosType() : m.primitive().rosType();
            assertThat(ros).as("ROS 2 definition of %s", type).contains("\n" + rosType + (m.sequence() ? "[] " : " ")
                    + m.name() + "\n");
            if (m.nested() != null && !m.nested().rosBuiltIn()) {
                assertThat(ros).contains("\nMSG: " + m.nested().rosType() + "\n");
            }
        }
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> names.add(n.asText()));
        } else {
            node.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    /** The value has exactly the structure's members, in its order, each of the member's JSON kind. */
    private static void followsTable(JsonNode value, MessageStructure s, String where) {
        assertThat(value.isObject()).as("%s is an object", where).isTrue();
        assertThat(names(value)).as("%s: the members of %s", where, s).isEqualTo(s.memberNames());
        for (Member m : s.members()) {
            JsonNode v = value.get(m.name());
            String at = where + "." + m.name();
            if (m.sequence()) {
                assertThat(v.isArray()).as("%s is an array", at).isTrue();
                v.forEach(e -> followsMember(e, m, at + "[]"));
            } else {
                followsMember(v, m, at);
            }
        }
    }

    private static void followsMember(JsonNode v, Member m, String at) {
        if (m.nested() != null) {
            followsTable(v, m.nested(), at);
        } else if (m.primitive() == Primitive.STRING || m.primitive() == Primitive.BYTES) {
            assertThat(v.isTextual()).as("%s is text", at).isTrue();
        } else if (m.primitive() == Primitive.FLOAT64) {
            assertThat(v.isNumber()).as("%s is a number", at).isTrue();
        } else {
            assertThat(v.canConvertToExactIntegral()).as("%s is an integer: %s", at, v).isTrue();
        }
        if (!m.constants().isEmpty()) {
            assertThat(m.constants().stream().map(Member.Constant::value)).as("%s one of the constants", at)
                    .contains(v.asInt());
        }
    }
}
