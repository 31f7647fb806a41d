package io.shmtel.schema;

import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.Node;
import io.shmtel.schema.layout.LayoutCompiler;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parses and validates schema files. Every problem in a file is collected and reported at once,
 * each located by line, column and JSON pointer, with the value found, what was expected and a
 * hint where one exists.
 */
public final class SchemaParser {

    static final List<String> ROOT_KEYS = List.of("$schema", "schema", "version", "description", "records");
    static final List<String> RECORD_KEYS = List.of("name", "sync", "depth", "rateHz", "description", "fields");
    static final List<String> FIELD_KEYS = List.of("name", "type", "count", "length", "unit", "description", "enum");

    private final String source;
    private final JsonProblems problems;

    private SchemaParser(String source) {
        this.source = source;
        this.problems = new JsonProblems(source, JsonProblems.Found.KIND_AND_VALUE);
    }

    /** Parses a schema file; the file name is used in messages and generated-code headers. */
    public static SchemaDef parse(Path file) {
        return parse(file, file.toString());
    }

    /** Parses a schema file, naming it {@code name} in messages and generated-code headers. */
    public static SchemaDef parse(Path file, String name) {
        JsonProblems unreadable = new JsonProblems(name, JsonProblems.Found.KIND_AND_VALUE);
        String text = unreadable.readText(file);
        if (text == null) {
            throw new SchemaException(unreadable.list());
        }
        return parse(text, name);
    }

    /** Parses schema text; {@code sourceName} names it in messages. */
    public static SchemaDef parse(String text, String sourceName) {
        SchemaParser parser = new SchemaParser(sourceName);
        Node root = parser.problems.read(text);
        SchemaDef schema = root == null ? null : parser.schema(root);
        if (!parser.problems.isEmpty()) {
            throw new SchemaException(parser.problems.inFileOrder());
        }
        return schema;
    }

    // ---------------------------------------------------------------- structure

    private SchemaDef schema(Node root) {
        if (!(root instanceof Node.ObjectNode obj)) {
            problems.problem(root, "expected a JSON object with the keys \"schema\", \"version\" and \"records\"; found "
                    + problems.describe(root));
            return null;
        }
        problems.keys(obj, ROOT_KEYS);
        if (obj.get("$schema") != null) {
            problems.string(obj, "$schema", false);
        }
        String name = identifier(obj, "schema", "schema name");
        Integer version = problems.integer(obj, "version", true, 1, Integer.MAX_VALUE, "e.g. \"version\": 1", null);
        String description = problems.text(obj, "description", SchemaLimits.MAX_TEXT_LENGTH);
        List<RecordDef> records = new ArrayList<>();
        Node recordsNode = problems.require(obj, "records", "an array of records, e.g. \"records\": [{ \"name\": ..., \"fields\": [...] }]");
        if (recordsNode != null) {
            if (!(recordsNode instanceof Node.ArrayNode array)) {
                problems.problem(recordsNode, "expected an array of records; found " + problems.describe(recordsNode));
            } else if (array.elements().isEmpty()) {
                problems.problem(array, "\"records\" must contain at least one record; found an empty array");
            } else {
                if (array.elements().size() > SchemaLimits.MAX_RECORDS) {
                    problems.problem(array, "a schema may declare at most " + SchemaLimits.MAX_RECORDS + " records; found "
                            + array.elements().size() + ": split it into several schemas");
                }
                Map<String, Node> seen = new HashMap<>();
                for (Node element : array.elements()) {
                    RecordDef record = record(element, seen);
                    if (record != null) {
                        records.add(record);
                    }
                }
            }
        }
        if (name == null || version == null || !problems.isEmpty()) {
            return null;
        }
        SchemaDef schema = new SchemaDef(name, version, description, records, source);
        long regionLength = LayoutCompiler.compile(schema).regionLength();
        if (regionLength > SchemaLimits.MAX_REGION_BYTES) {
            problems.problem(recordsNode, "the region of this schema would be " + regionLength + " bytes; the limit is "
                    + SchemaLimits.MAX_REGION_BYTES + " bytes (1 GiB): lower depths or split the schema");
            return null;
        }
        return schema;
    }

    private RecordDef record(Node node, Map<String, Node> seenNames) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a record object with \"name\" and \"fields\"; found " + problems.describe(node));
            return null;
        }
        problems.keys(obj, RECORD_KEYS);
        String name = identifier(obj, "name", "record name");
        if (name != null) {
            Node nameNode = obj.get("name");
            Node first = seenNames.putIfAbsent(name, nameNode);
            if (first != null) {
                problems.problem(nameNode, "duplicate record name \"" + name + "\" (first declared at " + first.pointer()
                        + ", line " + first.line() + "); record names must be unique in a schema");
            }
        }
        RecordSync sync = RecordSync.RING;
        Node syncNode = obj.get("sync");
        if (syncNode != null) {
            if (!(syncNode instanceof Node.StringNode s)) {
                problems.problem(syncNode, "expected \"ring\" or \"mailbox\"; found " + problems.describe(syncNode));
            } else {
                sync = RecordSync.bySchemaName(s.value()).orElse(null);
                if (sync == null) {
                    String hint = JsonProblems.didYouMean(s.value(), RecordSync.schemaNames());
                    problems.problem(syncNode, "unknown sync \"" + s.value() + "\"" + hint
                            + " (\"ring\": a seqlock ring, the default; \"mailbox\": one message at a time, answered by its consumer)");
                    sync = RecordSync.RING;
                }
            }
        }
        int depth = sync == RecordSync.MAILBOX ? 1 : SchemaLimits.DEFAULT_DEPTH;
        Node depthNode = obj.get("depth");
        if (depthNode != null && sync == RecordSync.MAILBOX) {
            problems.problem(depthNode, "a mailbox holds one message at a time and has no depth: remove \"depth\" "
                    + "(or drop \"sync\": \"mailbox\" for a ring of samples)");
        } else if (depthNode != null) {
            Integer d = problems.integer(obj, "depth", false, SchemaLimits.MIN_DEPTH, SchemaLimits.MAX_DEPTH, null,
                    "a power of two from " + SchemaLimits.MIN_DEPTH + " to " + SchemaLimits.MAX_DEPTH);
            if (d != null) {
                if (Integer.bitCount(d) != 1) {
                    problems.problem(depthNode, "depth must be a power of two from " + SchemaLimits.MIN_DEPTH + " to "
                            + SchemaLimits.MAX_DEPTH + "; found " + d + nearestPowerOfTwo(d));
                } else {
                    depth = d;
                }
            }
        }
        double rateHz = 0;
        Node rateNode = obj.get("rateHz");
        if (rateNode != null) {
            if (!(rateNode instanceof Node.NumberNode num)) {
                problems.problem(rateNode, "expected a number (samples per second); found " + problems.describe(rateNode));
            } else if (num.value().signum() <= 0 || num.value().compareTo(BigDecimal.valueOf(SchemaLimits.MAX_RATE_HZ)) > 0) {
                problems.problem(rateNode, "rateHz must be greater than 0 and at most " + (long) SchemaLimits.MAX_RATE_HZ
                        + "; found " + num.value().toPlainString());
            } else {
                rateHz = num.value().doubleValue();
            }
        }
        String description = problems.text(obj, "description", SchemaLimits.MAX_TEXT_LENGTH);
        List<FieldDef> fields = new ArrayList<>();
        Node fieldsNode = problems.require(obj, "fields", "an array of fields, e.g. \"fields\": [{ \"name\": \"x\", \"type\": \"f64\" }]");
        boolean fieldsOk = true;
        if (fieldsNode != null) {
            if (!(fieldsNode instanceof Node.ArrayNode array)) {
                problems.problem(fieldsNode, "expected an array of fields; found " + problems.describe(fieldsNode));
                fieldsOk = false;
            } else if (array.elements().isEmpty()) {
                problems.problem(array, "\"fields\" must contain at least one field; found an empty array");
                fieldsOk = false;
            } else {
                if (array.elements().size() > SchemaLimits.MAX_FIELDS) {
                    problems.problem(array, "a record may declare at most " + SchemaLimits.MAX_FIELDS + " fields; found "
                            + array.elements().size() + ": split the record");
                }
                Map<String, Node> seen = new HashMap<>();
                Map<String, Node> javaNames = new HashMap<>();
                List<Node> fieldNodes = new ArrayList<>();
                for (Node element : array.elements()) {
                    FieldDef field = field(element, seen, javaNames);
                    if (field == null) {
                        fieldsOk = false;
                    } else {
                        fields.add(field);
                        fieldNodes.add(element);
                    }
                }
                checkGeneratedNameClashes(fields, fieldNodes);
            }
        } else {
            fieldsOk = false;
        }
        if (fieldsOk && name != null) {
            long payload = LayoutCompiler.payloadLength(fields);
            if (payload > SchemaLimits.MAX_PAYLOAD_BYTES) {
                problems.problem(obj, "record \"" + name + "\" has a payload of " + payload + " bytes; the limit is "
                        + SchemaLimits.MAX_PAYLOAD_BYTES + " bytes (1 MiB): lower counts or lengths, or split the record");
            } else {
                long ring = (long) depth * LayoutCompiler.slotLength(payload);
                if (ring > SchemaLimits.MAX_RING_BYTES) {
                    problems.problem(depthNode != null ? depthNode : obj, "record \"" + name + "\" needs a ring of " + ring
                            + " bytes (depth " + depth + " x slot " + LayoutCompiler.slotLength(payload)
                            + " bytes); the limit is " + SchemaLimits.MAX_RING_BYTES + " bytes (256 MiB): lower the depth");
                }
            }
        }
        if (name == null || !fieldsOk) {
            return null;
        }
        return new RecordDef(name, depth, rateHz, description, fields, sync);
    }

    private FieldDef field(Node node, Map<String, Node> seenNames, Map<String, Node> javaNames) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a field object with \"name\" and \"type\"; found " + problems.describe(node));
            return null;
        }
        problems.keys(obj, FIELD_KEYS);
        String name = identifier(obj, "name", "field name");
        if (name != null) {
            Node nameNode = obj.get("name");
            Optional<String> clash = Names.keywordClash(name);
            if (clash.isPresent()) {
                problems.problem(nameNode, "field name \"" + name + "\" is a reserved word in " + clash.get()
                        + "; rename it, e.g. \"" + name + "_value\"");
                name = null;
            } else if (Names.isReservedMember(name)) {
                problems.problem(nameNode, "field name \"" + name + "\" clashes with a member of the generated Java view"
                        + " or writer; rename it, e.g. \"" + name + "_value\"");
                name = null;
            } else {
                Node first = seenNames.putIfAbsent(name, nameNode);
                if (first != null) {
                    problems.problem(nameNode, "duplicate field name \"" + name + "\" (first declared at " + first.pointer()
                            + ", line " + first.line() + "); field names must be unique in a record");
                    name = null;
                } else {
                    String javaName = Names.camelCase(name);
                    Node other = javaNames.putIfAbsent(javaName, nameNode);
                    if (other != null) {
                        problems.problem(nameNode, "field name \"" + name + "\" maps to the Java name \"" + javaName
                                + "\", as the field at " + other.pointer() + " does; rename one of them");
                        name = null;
                    }
                }
            }
        }
        FieldType type = null;
        Node typeNode = problems.require(obj, "type", "one of " + String.join(", ", FieldType.schemaNames()));
        if (typeNode != null) {
            if (!(typeNode instanceof Node.StringNode s)) {
                problems.problem(typeNode, "expected a type name (" + String.join(", ", FieldType.schemaNames())
                        + "); found " + problems.describe(typeNode));
            } else {
                type = FieldType.fromSchemaName(s.value()).orElse(null);
                if (type == null) {
                    String hint = JsonProblems.didYouMean(FieldType.alias(s.value())
                            .or(() -> Names.closest(s.value(), FieldType.schemaNames())).orElse(null));
                    problems.problem(typeNode, "unknown type \"" + s.value() + "\"" + hint + " (types: "
                            + String.join(", ", FieldType.schemaNames()) + ")");
                }
            }
        }
        int count = 0;
        Node countNode = obj.get("count");
        boolean ok = name != null && type != null;
        if (countNode != null) {
            Integer c = problems.integer(obj, "count", false, 1, SchemaLimits.MAX_COUNT, null, null);
            if (c == null) {
                ok = false;
            } else if (type == FieldType.STRING) {
                problems.problem(countNode, "\"count\" does not apply to string fields: declare one string field per value");
                ok = false;
            } else {
                count = c;
            }
        }
        int length = 0;
        Node lengthNode = obj.get("length");
        if (type == FieldType.STRING) {
            if (lengthNode == null) {
                problems.problem(obj, "missing required key \"length\" for a string field: its capacity in UTF-8 bytes, 1 to "
                        + SchemaLimits.MAX_STRING_LENGTH + ", e.g. \"length\": 16");
                ok = false;
            } else {
                Integer l = problems.integer(obj, "length", false, 1, SchemaLimits.MAX_STRING_LENGTH, null, null);
                if (l == null) {
                    ok = false;
                } else {
                    length = l;
                }
            }
        } else if (lengthNode != null && type != null) {
            problems.problem(lengthNode, "\"length\" applies only to string fields; for an array of " + type.schemaName()
                    + " use \"count\"");
            ok = false;
        }
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

    private Map<String, Integer> enumConstants(Node node) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected an object of constants, e.g. \"enum\": { \"OK\": 0, \"FAULT\": 1 }; found "
                    + problems.describe(node));
            return null;
        }
        if (obj.members().isEmpty()) {
            problems.problem(obj, "\"enum\" must declare at least one constant, e.g. { \"OK\": 0 }");
            return null;
        }
        if (obj.members().size() > SchemaLimits.MAX_ENUM_CONSTANTS) {
            problems.problem(obj, "an enum may declare at most " + SchemaLimits.MAX_ENUM_CONSTANTS + " constants; found "
                    + obj.members().size());
            return null;
        }
        Map<String, Integer> constants = new LinkedHashMap<>();
        Map<Integer, String> byValue = new HashMap<>();
        boolean ok = true;
        for (Node.Member m : obj.members().values()) {
            Node value = m.value();
            if (!Names.ENUM_CONSTANT.matcher(m.key()).matches() || m.key().length() > SchemaLimits.MAX_IDENTIFIER_LENGTH) {
                String suggestion = suggestConstant(m.key());
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
                problems.problem(value, "enum value " + v + " of \"" + m.key() + "\" repeats the value of \"" + previous
                        + "\"; values must be unique");
                ok = false;
                continue;
            }
            constants.put(m.key(), v);
        }
        return ok ? constants : null;
    }

    /** Generated accessors {@code xRaw()} for an enum field {@code x} must not meet a field {@code x_raw}. */
    private void checkGeneratedNameClashes(List<FieldDef> fields, List<Node> nodes) {
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

    // ---------------------------------------------------------------- scalar helpers

    private String identifier(Node.ObjectNode obj, String key, String what) {
        Node node = problems.require(obj, key, "a " + what + " matching [a-z][a-z0-9_]*");
        if (node == null) {
            return null;
        }
        if (!(node instanceof Node.StringNode s)) {
            problems.problem(node, "expected a " + what + " (a string matching [a-z][a-z0-9_]*); found " + problems.describe(node));
            return null;
        }
        String value = s.value();
        if (!Names.IDENTIFIER.matcher(value).matches() || value.length() > SchemaLimits.MAX_IDENTIFIER_LENGTH) {
            String suggestion = suggestIdentifier(value);
            problems.problem(node, "invalid " + what + " \"" + value + "\": names must match [a-z][a-z0-9_]* (at most "
                    + SchemaLimits.MAX_IDENTIFIER_LENGTH + " characters)"
                    + JsonProblems.didYouMean(value.equals(suggestion) ? null : suggestion));
            return null;
        }
        return value;
    }

    private static String nearestPowerOfTwo(int d) {
        if (d < SchemaLimits.MIN_DEPTH) {
            return " (the smallest allowed is " + SchemaLimits.MIN_DEPTH + ")";
        }
        if (d > SchemaLimits.MAX_DEPTH) {
            return " (the largest allowed is " + SchemaLimits.MAX_DEPTH + ")";
        }
        int below = Integer.highestOneBit(d);
        return " (nearest: " + below + " or " + (below << 1) + ")";
    }

    /** {@code JointState}, {@code joint-state} → {@code joint_state}; null when nothing sensible. */
    static String suggestIdentifier(String value) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length() && sb.length() < SchemaLimits.MAX_IDENTIFIER_LENGTH; i++) {
            char c = value.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '_') {
                    sb.append('_');
                }
                sb.append((char) (c + ('a' - 'A')));
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                sb.append(c);
            } else if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '_') {
                sb.append('_');
            }
        }
        while (sb.length() > 0 && (sb.charAt(0) == '_' || Character.isDigit(sb.charAt(0)))) {
            sb.deleteCharAt(0);
        }
        while (sb.length() > 0 && sb.charAt(sb.length() - 1) == '_') {
            sb.setLength(sb.length() - 1);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    static String suggestConstant(String value) {
        String id = suggestIdentifier(value);
        return id == null ? null : Names.upperSnake(id);
    }
}
