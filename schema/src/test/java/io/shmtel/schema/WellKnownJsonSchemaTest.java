package io.shmtel.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.schema.json.LocatedJsonReader;
import io.shmtel.schema.json.Node;
import io.shmtel.schema.wellknown.Slot;
import io.shmtel.schema.wellknown.SlotKind;
import io.shmtel.schema.wellknown.WellKnownType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The editor JSON Schema's {@code "wellKnown"} part (schema/shmtel.schema.json) lists what the parser's table
 * ({@link WellKnownType}) does: every type, with its keys, required keys, descriptions and value forms; and it
 * accepts the mappings the parser accepts.
 */
class WellKnownJsonSchemaTest {

    static Node.ObjectNode defs() throws IOException {
        String text = Files.readString(JsonSchemaAgreementTest.JSON_SCHEMA, StandardCharsets.UTF_8);
        return (Node.ObjectNode) ((Node.ObjectNode) LocatedJsonReader.read(text).root()).get("$defs");
    }

    static Node.ObjectNode def(String name) throws IOException {
        Node def = defs().get(name);
        assertThat(def).as("$defs/%s", name).isInstanceOf(Node.ObjectNode.class);
        return (Node.ObjectNode) def;
    }

    static List<String> strings(Node array) {
        List<String> out = new ArrayList<>();
        for (Node n : ((Node.ArrayNode) array).elements()) {
            out.add(((Node.StringNode) n).value());
        }
        return out;
    }

    static String string(Node obj, String key) {
        return ((Node.StringNode) ((Node.ObjectNode) obj).get(key)).value();
    }

    /** The $defs entry of a slot's value form. */
    static String kindDef(WellKnownType owner, Slot slot) {
        if (owner == WellKnownType.POINT_CLOUD && slot.key().equals("count")) {
            return "wellKnownCount";
        }
        String kind = slot.kind().name();
        return "wellKnown" + kind.charAt(0) + kind.substring(1).toLowerCase(Locale.ROOT);
    }

    /** The properties of an object schema match these slots: keys, required, descriptions, value forms. */
    static void checkSlots(Node.ObjectNode schema, WellKnownType owner, List<Slot> slots, boolean withType)
            throws IOException {
        Node.ObjectNode props = (Node.ObjectNode) schema.get("properties");
        List<String> keys = new ArrayList<>();
        List<String> required = new ArrayList<>();
        if (withType) {
            keys.add("type");
            required.add("type");
        }
        for (Slot s : slots) {
            keys.add(s.key());
            if (s.required()) {
                required.add(s.key());
            }
            Node prop = props.get(s.key());
            assertThat(prop).as("%s: property %s", owner, s.key()).isNotNull();
            assertThat(string(prop, "description")).isEqualTo(s.description());
            assertThat(string(prop, "$ref")).isEqualTo("#/$defs/" + kindDef(owner, s));
            def(kindDef(owner, s));
        }
        assertThat(props.members().keySet()).as("%s: keys", owner).containsExactlyElementsOf(keys);
        Node requiredNode = schema.get("required");
        assertThat(requiredNode == null ? List.of() : strings(requiredNode)).as("%s: required", owner)
                .containsExactlyElementsOf(required);
        assertThat(schema.get("additionalProperties")).isInstanceOf(Node.BooleanNode.class);
    }

    @ParameterizedTest
    @EnumSource(WellKnownType.class)
    void everyTypeHasItsEntryWithTheTablesKeys(WellKnownType type) throws IOException {
        Node.ObjectNode entry = def("wellKnown." + type.shortName());
        assertThat(((Node.StringNode) ((Node.ObjectNode) ((Node.ObjectNode) entry.get("properties")).get("type"))
                .get("const")).value()).isEqualTo(type.typeName());
        assertThat(string(entry, "description")).isEqualTo(type.typeName() + ": " + type.description());
        checkSlots(entry, type, type.slots(), true);
    }

    @Test
    void theTypeListAndTheCompositesMatchTheTable() throws IOException {
        Node.ObjectNode wellKnown = def("wellKnown");
        Node.ObjectNode typeProp = (Node.ObjectNode) ((Node.ObjectNode) wellKnown.get("properties")).get("type");
        assertThat(strings(typeProp.get("enum"))).containsExactlyElementsOf(WellKnownType.typeNames());
        checkSlots(def("wellKnownPose"), WellKnownType.POSE_IN_FRAME, WellKnownType.members(SlotKind.POSE), false);
        checkSlots((Node.ObjectNode) def("wellKnownTransforms").get("items"), WellKnownType.FRAME_TRANSFORM,
                WellKnownType.members(SlotKind.TRANSFORMS), false);
    }

    @ParameterizedTest
    @EnumSource(WellKnownType.class)
    void theJsonSchemaAcceptsWhatTheParserAcceptsForEveryType(WellKnownType type) throws IOException {
        String mapping = WellKnownParserTest.MAPPINGS.get(type);
        String text = WellKnownParserTest.schema(mapping);
        assertThat(JsonSchemaAgreementTest.parserAccepts(text)).isTrue();
        assertThat(JsonSchemaAgreementTest.jsonSchemaAccepts(text)).as("JSON Schema on %s", mapping).isTrue();
        String broken = WellKnownParserTest.schema(mapping.replaceFirst("\\{", "{ \"frame\": 1,"));
        assertThat(JsonSchemaAgreementTest.parserAccepts(broken)).isFalse();
        assertThat(JsonSchemaAgreementTest.jsonSchemaAccepts(broken)).as("JSON Schema on an unknown key").isFalse();
    }
}
