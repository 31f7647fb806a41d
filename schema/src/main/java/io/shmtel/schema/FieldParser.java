package io.shmtel.schema;

import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.Node;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One field object of a schema record: its name (checked against reserved words, the record's other names and
 * their Java spellings), type, count, string length, unit, description and enum constants; and the clashes of
 * the accessors generated for a record's fields. Problems go to the schema file's {@link JsonProblems}.
 */
final class FieldParser {
    static final List<String> FIELD_KEYS = List.of("name", "type", "count", "length", "unit", "description", "enum");

    private final JsonProblems problems;

    FieldParser(JsonProblems problems) {
        this.problems = problems;
    }

    /**
     * The field {@code node} declares; null after a problem. {@code seenNames} and {@code javaNames}: the names
     * of the record's fields so far, as written and as Java spells them.
     */
    FieldDef field(Node node, Map<String, Node> seenNames, Map<String, Node> javaNames) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a field object with \"name\" and \"type\"; found "
                    + problems.describe(node));
            return null;
        }
        problems.keys(obj, FIELD_KEYS);
        String name = name(obj, seenNames, javaNames);
        FieldType type = type(obj);
        Node countNode = obj.get("count");
        Integer count = count(obj, type);
        Integer length = length(obj, type);
        boolean ok = name != null && type != null && count != null && length != null;
        String unit = problems.text(obj, "unit", SchemaLimits.MAX_UNIT_LENGTH);
        String description = problems.text(obj, "description", SchemaLimits.MAX_TEXT_LENGTH);
        Map<String, Integer> constants = null;
        Node enumNode = obj.get("enum");
        if (enumNode != null) {
            constants = enumConstants(enumNode);
            if (constants == null) {
                ok = false;
            } else if (type != null && type != FieldType.I32) {
                problems.problem(enumNode, "\"enum\" requires \"type\": \"i32\" (enums are stored as i32); found \""
                        + type.schemaName() + "\"");
                ok = false;
            } else if (countNode != null) {
                problems.problem(enumNode, "an enum field cannot be an array: remove \"count\" or \"enum\"");
                ok = false;
            }
        }
        if (!ok) {
            return null;
        }
        return new FieldDef(name, type, count, length, unit, description, constants);
    }

    /** The field's name; null after a problem (invalid, reserved, taken, or taken in its Java spelling). */
    private String name(Node.ObjectNode obj, Map<String, Node> seenNames, Map<String, Node> javaNames) {
        String name = IdentifierChecks.identifier(problems, obj, "name", "field name");
        if (name == null) {
            return null;
        }
        Node nameNode = obj.get("name");
        Optional<String> clash = Names.keywordClash(name);
        if (clash.isPresent()) {
            problems.problem(nameNode, "field name \"" + name + "\" is a reserved word in " + clash.get()
                    + "; rename it, e.g. \"" + name + "_value\"");
            return null;
        }
        if (Names.isReservedMember(name)) {
            problems.problem(nameNode, "field name \"" + name + "\" clashes with a member of the generated Java view"
                    + " or writer; rename it, e.g. \"" + name + "_value\"");
            return null;
        }
        Node first = seenNames.putIfAbsent(name, nameNode);
        if (first != null) {
            problems.problem(nameNode, "duplicate field name \"" + name + "\" (first declared at " + first.pointer()
                    + ", line " + first.line() + "); field names must be unique in a record");
            return null;
        }
        String javaName = Names.camelCase(name);
        Node other = javaNames.putIfAbsent(javaName, nameNode);
        if (other != null) {
            problems.problem(nameNode, "field name \"" + name + "\" maps to the Java name \"" + javaName
                    + "\", as the field at " + other.pointer() + " does; rename one of them");
            return null;
        }
        return name;
    }

    /** The field's type; null after a problem (missing, no string, unknown: with a hint). */
    private FieldType type(Node.ObjectNode obj) {
        Node typeNode = problems.require(obj, "type", "one of " + String.join(", ", FieldType.schemaNames()));
        if (typeNode == null) {
            return null;
        }
        if (!(typeNode instanceof Node.StringNode s)) {
            problems.problem(typeNode, "expected a type name (" + String.join(", ", FieldType.schemaNames())
                    + "); found " + problems.describe(typeNode));
            return null;
        }
        FieldType type = FieldType.fromSchemaName(s.value()).orElse(null);
        if (type == null) {
            String hint = JsonProblems.didYouMean(FieldType.alias(s.value())
                    .or(() -> Names.closest(s.value(), FieldType.schemaNames())).orElse(null));
            problems.problem(typeNode, "unknown type \"" + s.value() + "\"" + hint + " (types: "
                    + String.join(", ", FieldType.schemaNames()) + ")");
        }
        return type;
    }

    /** The array count; 0 (a scalar) when absent; null after a problem. */
    private Integer count(Node.ObjectNode obj, FieldType type) {
        Node countNode = obj.get("count");
        if (countNode == null) {
            return 0;
        }
        Integer c = problems.integer(obj, "count", false, 1, SchemaLimits.MAX_COUNT, null, null);
        if (c != null && type == FieldType.STRING) {
            problems.problem(countNode, "\"count\" does not apply to string fields: declare one string field per"
                    + " value");
            return null;
        }
        return c;
    }

    /** A string field's capacity in UTF-8 bytes; 0 for other types; null after a problem. */
    private Integer length(Node.ObjectNode obj, FieldType type) {
        Node lengthNode = obj.get("length");
        if (type == FieldType.STRING) {
            if (lengthNode == null) {
                problems.problem(obj, "missing required key \"length\" for a string field: its capacity in UTF-8"
                        + " bytes, 1 to " + SchemaLimits.MAX_STRING_LENGTH + ", e.g. \"length\": 16");
                return null;
            }
            return problems.integer(obj, "length", false, 1, SchemaLimits.MAX_STRING_LENGTH, null, null);
        }
        if (lengthNode != null && type != null) {
            problems.problem(lengthNode, "\"length\" applies only to string fields; for an array of "
                    + type.schemaName() + " use \"count\"");
            return null;
        }
        return 0;
    }

    /** The constants of an {@code "enum"} object, in file order; null after a problem. */
    private Map<String, Integer> enumConstants(Node node) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected an object of constants, e.g. \"enum\": { \"OK\": 0, \"FAULT\": 1 };"
                    + " found " + problems.describe(node));
            return null;
        }
        if (obj.members().isEmpty()) {
            problems.problem(obj, "\"enum\" must declare at least one constant, e.g. { \"OK\": 0 }");
            return null;
        }
        if (obj.members().size() > SchemaLimits.MAX_ENUM_CONSTANTS) {
            problems.problem(obj, "an enum may declare at most " + SchemaLimits.MAX_ENUM_CONSTANTS
                    + " constants; found " + obj.members().size());
            return null;
        }
        Map<String, Integer> constants = new LinkedHashMap<>();
        Map<Integer, String> byValue = new HashMap<>();
        boolean ok = true;
        for (Node.Member m : obj.members().values()) {
            Node value = m.value();
            if (!Names.ENUM_CONSTANT.matcher(m.key()).matches()
                    || m.key().length() > SchemaLimits.MAX_IDENTIFIER_LENGTH) {
                String suggestion = IdentifierChecks.suggestConstant(m.key());
                problems.problem(m.keyLine(), m.keyColumn(), value.pointer(), "invalid enum constant \"" + m.key()
                        + "\": constants must match [A-Z][A-Z0-9_]* (at most " + SchemaLimits.MAX_IDENTIFIER_LENGTH
                        + " characters)" + JsonProblems.didYouMean(suggestion));
                ok = false;
                continue;
            }
            if (!(value instanceof Node.NumberNode num) || !num.isIntegral()
                    || num.value().compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) < 0
                    || num.value().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
                problems.problem(value, "enum value of \"" + m.key() + "\" must be an integer in the i32 range ("
                        + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + "); found " + problems.describe(value));
                ok = false;
                continue;
            }
            int v = num.value().intValueExact();
            String previous = byValue.putIfAbsent(v, m.key());
            if (previous != null) {
                problems.problem(value, "enum value " + v + " of \"" + m.key() + "\" repeats the value of \""
                        + previous + "\"; values must be unique");
                ok = false;
                continue;
            }
            constants.put(m.key(), v);
        }
        return ok ? constants : null;
    }

    /** Generated accessors {@code xRaw()} for an enum field {@code x} must not meet a field {@code x_raw}. */
    void checkGeneratedNameClashes(List<FieldDef> fields, List<Node> nodes) {
        Map<String, FieldDef> byName = new HashMap<>();
        for (FieldDef f : fields) {
            byName.put(f.name(), f);
        }
        for (int i = 0; i < fields.size(); i++) {
            FieldDef f = fields.get(i);
            if (f.isEnum() && byName.containsKey(f.name() + "_raw")) {
                problems.problem(((Node.ObjectNode) nodes.get(i)).get("name"), "enum field \"" + f.name()
                        + "\" generates the accessor " + Names.camelCase(f.name() + "_raw")
                        + "(), which clashes with the field \"" + f.name() + "_raw\"; rename one of them");
            }
        }
    }
}
